// The decisions of bounce-drain, independent of Redis and HTTP: which entries to read, claim, post,
// acknowledge or dead-letter, and when to back off.
//
// Posting protocol per entry (the exactly-once window is documented in docs/ops.md):
//   1. begin(key): a marker "pending:<consumer>:<pid>:<nonce>" with a short lease (SET-if-absent semantics); a
//      marker "done" means another delivery of the same event was posted: acknowledge only;
//      someone else's live lease means wait.
//   2. POST to listmonk.
//   3. 2xx: finish(key) sets "done" with the dedup TTL, then XACK. 400: dead-letter stream, drop the
//      lease, XACK. Anything else: drop the lease, keep the entry pending, back off.
// A crash between 2 and 3 leaves an expiring lease and an unacknowledged entry: the event is posted
// again once the lease ran out and someone claims the entry. That is the one in-flight event.
#pragma once

#include "forwarder/dispatcher.hpp"
#include "forwarder/sink.hpp"
#include "metrics/histogram.hpp"
#include "tools/bounce_drain_store.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <random>
#include <set>
#include <string>

namespace tools {

struct DrainOptions {
    std::string consumer;   // for log lines
    std::string stream;     // for dedup keys
    std::string group;
    std::size_t batch = 64;
    std::chrono::milliseconds block{1000};          // longest wait for new entries (bounds stop latency)
    std::chrono::milliseconds claim_idle{30000};    // entries idle this long at another consumer are taken over
    std::chrono::milliseconds claim_interval{15000};
    std::chrono::seconds lease{15};                 // > the longest POST, so a live poster never loses it
    std::chrono::seconds done_ttl{7 * 24 * 3600};   // how long a posted event is remembered
    std::chrono::milliseconds busy_recheck{1000};   // look again at events another drain holds
    std::chrono::milliseconds forget_consumers_idle{3600000};   // stopped drains leave the group after this
    std::chrono::milliseconds forget_consumers_interval{600000};
    forwarder::RetryPolicy retry;                   // listmonk backoff (config problems start slower)
};

enum class Outcome { delivered, duplicate, dead_lettered, gone, busy, retry };

// Written by the loop's thread only; atomic so a metrics scrape may read them from another thread.
struct DrainCounters {
    std::atomic<std::uint64_t> read{0};           // new entries read from the stream (XREADGROUP >)
    std::atomic<std::uint64_t> delivered{0};
    std::atomic<std::uint64_t> duplicates{0};
    std::atomic<std::uint64_t> dead_lettered{0};
    std::atomic<std::uint64_t> gone{0};           // trimmed from the stream before anyone posted them
    std::atomic<std::uint64_t> claimed{0};        // taken over from other consumers
    std::atomic<std::uint64_t> sink_failures{0};
    std::atomic<std::uint64_t> redis_failures{0};
    std::atomic<std::uint64_t> consumers_forgotten{0};
};

class DrainLoop {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    using Sleep = std::function<void(std::chrono::milliseconds)>;

    DrainLoop(DrainStore& store, forwarder::Sink& sink, DrainOptions options, Clock clock = {}, Sleep sleep = {});

    // Does one round of work (pending, claims, new entries) or waits a short while; never throws and
    // returns within about options.block plus one POST. Checks `stop` between entries.
    void step(const std::atomic<bool>& stop);

    // Handles one entry end to end (exposed for tests). Throws RedisError when Redis fails.
    Outcome process(const StreamEntry& entry);

    // For SIGUSR1: new listmonk credentials take effect with the next entry.
    void replace_sink(forwarder::Sink& sink) { sink_ = &sink; }
    // Receives the duration of every POST to listmonk (whatever its result). Set before the first step.
    void set_post_seconds(metrics::Histogram* histogram) { post_seconds_ = histogram; }

    const DrainCounters& counters() const { return counters_; }
    bool paused() const { return clock_() < pause_until_; }

private:
    // Each returns false when a sink failure ended the pass (the rest stays pending for later).
    bool handle_batch(const std::vector<StreamEntry>& entries, const std::atomic<bool>& stop, std::string* cursor);
    bool pending_pass(const std::atomic<bool>& stop);
    bool claim_pass(const std::atomic<bool>& stop);
    void on_sink_failure(const forwarder::DeliveryResult& result);
    void on_redis_failure(const std::string& why, bool transient);
    void record_posted();
    void defer_claims();

    DrainStore& store_;
    forwarder::Sink* sink_;
    DrainOptions options_;
    Clock clock_;
    Sleep sleep_;
    DrainCounters counters_;
    metrics::Histogram* post_seconds_ = nullptr;
    std::mt19937_64 rng_{std::random_device{}()};

    bool group_ready_ = false;
    std::chrono::steady_clock::time_point pause_until_{};
    std::chrono::steady_clock::time_point pending_due_{};  // own unacknowledged entries to look at again
    std::chrono::steady_clock::time_point claim_due_{};
    std::chrono::steady_clock::time_point forget_due_{};
    int sink_failures_in_row_ = 0;
    int redis_failures_in_row_ = 0;
    forwarder::DeliveryResult last_failure_;
    // Keys posted with a 2xx whose "done" marker Redis did not take: never post these again.
    std::set<std::string> posted_unrecorded_;
};

}  // namespace tools

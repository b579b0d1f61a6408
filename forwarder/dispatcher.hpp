// Delivery workers: one thread per sink drains that sink's due events from the outbox, so a slow or
// dead sink never holds up another one, and producers never wait on the network.
#pragma once

#include "forwarder/outbox.hpp"
#include "forwarder/sink.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace conf {
struct Config;
}

namespace forwarder {

struct RetryPolicy {
    std::chrono::milliseconds initial{1000};          // first retry after ~1 s
    std::chrono::milliseconds maximum{300000};        // doubling up to 5 min
    std::chrono::milliseconds config_initial{30000};  // credentials/URL problems: start slower
};

// Delay before the retry that follows `attempts` failed attempts (1 = first failure): initial * 2^(n-1),
// capped, with jitter drawn from [delay/2, delay] so many events (or instances) do not retry in lockstep.
std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int attempts, bool config_problem, std::mt19937_64& rng);

struct DispatcherOptions {
    RetryPolicy retry;
    std::size_t batch = 32;
    std::chrono::milliseconds poll{1000};    // picks up events enqueued by other processes
    std::chrono::milliseconds lease{120000}; // claimed events not finished by then (crash) are redone
    std::chrono::hours retention{24 * 30};   // delivered events kept this long (the dedup window)
    // After a short batch, a sink that syncs once per batch (the file sink) waits this long before
    // claiming again, so a bounce storm reaches it in fewer, larger batches: its fdatasyncs share
    // the disk with the outbox commits that SMTP acceptance waits on. The first event of a burst
    // still goes out at once.
    std::chrono::milliseconds batch_linger{25};
    // While a sink fails, it is tried again (with the oldest waiting event) at least this often,
    // whatever the backoff, and when it answers every waiting event is due at once: recovery within
    // seconds of an outage ending, at the cost of one request per interval meanwhile.
    std::chrono::milliseconds probe_interval{10000};
    // While a sink fails, "still failing: N pending, oldest M min, last error ..." this often.
    std::chrono::milliseconds failure_report_interval{60000};
};

class Dispatcher {
public:
    Dispatcher(Outbox& outbox, std::vector<std::unique_ptr<Sink>> sinks, DispatcherOptions options = {});
    ~Dispatcher();  // stops
    Dispatcher(const Dispatcher&) = delete;
    Dispatcher& operator=(const Dispatcher&) = delete;

    void start();
    // Finishes in-flight deliveries (bounded by the sinks' timeouts), gives claimed ones back, joins.
    void stop();
    // Wakes every worker now (called by the outbox after an enqueue).
    void wake();
    // Per sink, what its delivery attempts in this process came to, by class: how an outage looks
    // (a run of temporary failures), how a broken setup looks (config), and what listmonk refused;
    // and whether the latest attempt failed with a configuration problem (401, 403, 404, listmonk's
    // webhooks off), which retries alone will not fix. Safe from any thread.
    struct SinkAttempts {
        std::string sink;
        bool config_problem = false;  // the latest attempt failed for a configuration reason
        std::uint64_t delivered = 0;  // events the sink took
        std::uint64_t temporary = 0;  // unreachable, timeout, 5xx, 429: retried with backoff
        std::uint64_t config = 0;     // credentials, URL, a feature switched off: retried slowly
        std::uint64_t refused = 0;    // the sink refused this event for good: dead letter
    };
    std::vector<SinkAttempts> sink_attempts() const;

private:
    struct Worker;
    Outbox& outbox_;
    DispatcherOptions options_;
    std::vector<std::unique_ptr<Worker>> workers_;
};

// Sink names a config switches on ("listmonk", "redis", "file"), in that order: a section = a sink.
std::vector<std::string> sink_names(const conf::Config& config);
std::vector<std::unique_ptr<Sink>> make_sinks(const conf::Config& config);
DispatcherOptions dispatcher_options(const conf::Config& config);

}  // namespace forwarder

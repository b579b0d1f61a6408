// Durable SQLite outbox (WAL): producers enqueue events, one delivery worker per sink drains them.
// A committed enqueue survives a crash; events are deduplicated on their idempotency key.
//
// Durability: WAL with synchronous=FULL syncs the log on every commit, so an enqueue that returned is
// on disk even across power loss. A delivery is marked delivered only after its sink confirmed, so a
// crash in between re-delivers (at-least-once per sink; the idempotency key lets consumers dedup).
// Workers claim events with a lease (next_attempt_at moved into the future), so several processes
// (milter, backfill, admin tool) can share one file without delivering the same event concurrently.
#pragma once

#include "forwarder/event.hpp"
#include "forwarder/held_report.hpp"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace forwarder {

struct OutboxError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct EnqueueResult {
    std::size_t inserted = 0;    // new events, now durable
    std::size_t duplicates = 0;  // already known keys, ignored
};

// How the delivery workers mark an error only an operator can fix (bounce-outbox health looks for it).
inline constexpr const char* kConfigProblemPrefix = "configuration problem: ";

enum class DeliveryState { pending, delivered, dead };
const char* to_string(DeliveryState state) noexcept;

// One event as one sink sees it.
struct Delivery {
    std::int64_t event_id = 0;
    std::string sink;
    Event event;
    DeliveryState state = DeliveryState::pending;
    int attempts = 0;                  // deliveries tried so far (not counting the one being made)
    std::int64_t next_attempt_ms = 0;  // epoch ms
    std::string last_error;
    std::int64_t created_ms = 0;
    std::int64_t updated_ms = 0;
};

struct SinkStats {
    std::string sink;
    std::size_t pending = 0;    // not yet delivered nor dead, including those retrying
    std::size_t retrying = 0;   // of pending: tried at least once, waiting for the next attempt
    std::size_t delivered = 0;
    std::size_t dead = 0;
    std::int64_t oldest_pending_age_ms = 0;  // 0 when nothing is pending
};

class Outbox {
public:
    // Opens (creating if needed) the database at `path`. `sinks` names the sinks that must each
    // deliver every event ("listmonk", "redis", "file"). Throws OutboxError when the file cannot be used.
    Outbox(const std::string& path, std::vector<std::string> sinks);
    ~Outbox();
    Outbox(const Outbox&) = delete;
    Outbox& operator=(const Outbox&) = delete;

    // Writes all events in one transaction and returns once it is durable on disk.
    // Throws OutboxError on any failure; then nothing was written.
    EnqueueResult enqueue(const std::vector<Event>& events);

    const std::vector<std::string>& sinks() const;

    // Keeps a report that must not be forwarded (held_report.hpp): no delivery is created for it.
    // Durable on return; false when the same report (key) is already held. Throws OutboxError.
    bool hold(const HeldReport& held);

    // Called (outside any lock) after every enqueue that inserted something; the dispatcher uses it
    // to wake its workers at once. Set it before producers start.
    void set_enqueue_listener(std::function<void()> listener);

    // --- delivery workers ---------------------------------------------------------------------
    // Pending deliveries of `sink` that are due now, oldest first, at most `limit`; each is leased
    // for `lease` (not handed to anyone else meanwhile; after a crash it becomes due again).
    std::vector<Delivery> claim_due(const std::string& sink, std::size_t limit, std::chrono::milliseconds lease);
    void mark_delivered(std::int64_t event_id, const std::string& sink);
    // The same for a whole batch the sink confirmed at once, in one transaction.
    void mark_delivered(const std::vector<std::int64_t>& event_ids, const std::string& sink);
    // Counts an attempt and schedules the next one.
    void mark_retry(std::int64_t event_id, const std::string& sink, std::int64_t next_attempt_ms,
                    const std::string& error);
    // Counts an attempt; the event stays in the dead-letter state until requeued or purged.
    void mark_dead(std::int64_t event_id, const std::string& sink, const std::string& error);
    // Gives a claimed but untried delivery back: due now, no attempt counted (used on shutdown).
    void release(std::int64_t event_id, const std::string& sink);
    // Earliest next_attempt_ms among pending deliveries of `sink`, if any.
    std::optional<std::int64_t> next_due_ms(const std::string& sink);

    // --- operations ---------------------------------------------------------------------------
    // Per sink, ordered by name; configured sinks appear even without events. Read-only, on a separate
    // connection: safe to call on a live outbox at any time without delaying producers or workers.
    std::vector<SinkStats> stats();
    // Deliveries in `state` (all sinks when `sink` is empty), oldest first.
    std::vector<Delivery> list(DeliveryState state, const std::string& sink = "", std::size_t limit = 100);
    // Dead (or, with `include_pending`, also pending) deliveries back to pending, due now, attempts 0.
    // `event_id` 0 = all; `sink` empty = every sink. Returns how many.
    std::size_t requeue(const std::string& sink = "", std::int64_t event_id = 0, bool include_pending = false);
    // Pending deliveries (`event_id` 0 = all; `sink` empty = every sink) due now, attempts kept: an
    // operator's "retry now", or a sink that answers again after an outage. Returns how many.
    std::size_t retry_now(const std::string& sink = "", std::int64_t event_id = 0);
    // The oldest pending delivery of `sink`, claimed (leased) even if its next attempt is later: the
    // probe that finds out whether a failing sink answers again. Empty when nothing is pending.
    std::optional<Delivery> claim_oldest(const std::string& sink, std::chrono::milliseconds lease);
    // Pending deliveries per sink whose last attempt failed on a configuration problem (their error
    // starts with kConfigProblemPrefix): credentials, permission, a disabled feature, a wrong URL.
    std::size_t config_problems(const std::string& sink = "");
    // Deletes deliveries in `state` (sink/event filters as for requeue), then events left with no
    // delivery at all. Returns deliveries deleted.
    std::size_t purge(DeliveryState state, const std::string& sink = "", std::int64_t event_id = 0);
    // Forgets events delivered by every sink and created before `older_than_ms` (bounds the file; the
    // dedup window is this retention), and held reports older than that. Returns events deleted.
    std::size_t prune_delivered(std::int64_t older_than_ms);

    // Held reports, oldest first; `reason` empty = every reason.
    std::vector<HeldRow> list_held(const std::string& reason = "", std::size_t limit = 100);
    std::optional<HeldRow> held(std::int64_t id);
    // Held reports per reason ("suspect", "unattributed"), read like stats().
    std::map<std::string, std::size_t> held_counts();
    // Forwards a held report after all: its events are enqueued (deduplicated as usual) and the
    // report leaves the held list (remembered as released until pruned, so it is not held again).
    // Returns the enqueue result; nullopt when there is no such held report.
    std::optional<EnqueueResult> release_held(std::int64_t id);
    // Deletes held reports (`id` 0 = all of `reason`, or all when `reason` is empty). Returns how many.
    std::size_t purge_held(std::int64_t id, const std::string& reason = "");

    // Duplicates seen by this process since it opened the outbox.
    std::uint64_t duplicates_total() const;
    std::uint64_t inserted_total() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace forwarder

#include "tools/bounce_drain_loop.hpp"

#include "forwarder/clock.hpp"
#include "forwarder/log.hpp"
#include "tools/bounce_drain_entry.hpp"
#include "tools/redis_connection.hpp"

#include <algorithm>
#include <thread>

namespace tools {
namespace {

using std::chrono::milliseconds;
using TimePoint = std::chrono::steady_clock::time_point;
constexpr TimePoint kNever = TimePoint::max();

std::string describe(const forwarder::Event& e) {
    return e.type + " " + (e.subscriber_uuid.empty() ? e.email : e.subscriber_uuid);
}

}  // namespace

DrainLoop::DrainLoop(DrainStore& store, forwarder::Sink& sink, DrainOptions options, Clock clock, Sleep sleep)
    : store_(store), sink_(&sink), options_(std::move(options)), clock_(std::move(clock)), sleep_(std::move(sleep)) {
    if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
    if (!sleep_) sleep_ = [](milliseconds d) { std::this_thread::sleep_for(d); };
    // At start, look at our own pending list once: a drain restarted under the same consumer name
    // finds what it had read but not acknowledged.
    pending_due_ = TimePoint::min();
    claim_due_ = TimePoint::min();
    forget_due_ = TimePoint::min();
}

Outcome DrainLoop::process(const StreamEntry& entry) {
    if (entry.deleted) {
        // Trimmed by MAXLEN before anyone posted it: nothing left to post; clear it from the group.
        store_.ack(entry.id);
        ++counters_.gone;
        forwarder::log::warning("stream entry " + entry.id + " was trimmed before it was posted (raise [redis] maxlen)");
        return Outcome::gone;
    }
    DecodedEntry decoded = event_from_stream_fields(entry.fields);
    if (!decoded.event) {
        store_.dead_letter(entry, decoded.error);
        store_.ack(entry.id);
        ++counters_.dead_lettered;
        forwarder::log::error("stream entry " + entry.id + " moved to the dead-letter stream: " + decoded.error);
        return Outcome::dead_lettered;
    }
    const forwarder::Event& event = *decoded.event;
    const std::string key = dedup_key(options_.stream, options_.group, event.idempotency_key);

    if (posted_unrecorded_.count(key)) {
        store_.finish(key, options_.done_ttl);
        posted_unrecorded_.erase(key);
        store_.ack(entry.id);
        ++counters_.duplicates;
        return Outcome::duplicate;
    }
    switch (store_.begin(key, options_.lease)) {
        case BeginResult::done:
            store_.ack(entry.id);
            ++counters_.duplicates;
            return Outcome::duplicate;
        case BeginResult::busy:
            return Outcome::busy;
        case BeginResult::acquired:
            break;
    }

    const auto post_started = std::chrono::steady_clock::now();
    const forwarder::DeliveryResult result = sink_->deliver(event);
    if (post_seconds_) post_seconds_->observe(std::chrono::steady_clock::now() - post_started);
    switch (result.kind) {
        case forwarder::DeliveryResult::Kind::delivered:
            // Remembered locally first: if Redis fails now, this process still never posts it again.
            posted_unrecorded_.insert(key);
            store_.finish(key, options_.done_ttl);
            posted_unrecorded_.erase(key);
            store_.ack(entry.id);
            ++counters_.delivered;
            if (sink_failures_in_row_ > 0) {
                forwarder::log::info("listmonk accepts events again after " + std::to_string(sink_failures_in_row_) +
                                     " failed attempts");
            }
            sink_failures_in_row_ = 0;
            return Outcome::delivered;
        case forwarder::DeliveryResult::Kind::permanent:
            store_.dead_letter(entry, result.reason);
            store_.abandon(key);
            store_.ack(entry.id);
            ++counters_.dead_lettered;
            forwarder::log::error("event " + entry.id + " (" + describe(event) +
                                  ") refused permanently, moved to the dead-letter stream: " + result.reason);
            return Outcome::dead_lettered;
        case forwarder::DeliveryResult::Kind::retry:
            break;
    }
    last_failure_ = result;
    store_.abandon(key);
    return Outcome::retry;
}

void DrainLoop::on_sink_failure(const forwarder::DeliveryResult& result) {
    ++counters_.sink_failures;
    ++sink_failures_in_row_;
    const auto delay = forwarder::retry_delay(options_.retry, sink_failures_in_row_, result.config_problem, rng_);
    pause_until_ = clock_() + delay;
    // What was read but not posted stays in our pending list; look at it first when the pause ends.
    pending_due_ = pause_until_;
    const std::string message = "listmonk did not take the event (failure " + std::to_string(sink_failures_in_row_) +
                                "), retrying in " + std::to_string(delay.count()) + " ms: " + result.reason;
    if (result.config_problem) {
        forwarder::log::error("CONFIGURATION PROBLEM: " + message);
    } else if (sink_failures_in_row_ == 1 || sink_failures_in_row_ % 10 == 0) {
        forwarder::log::warning(message);
    }
}

void DrainLoop::record_posted() {
    // Entries may have moved to another consumer meanwhile, so the markers are written now rather
    // than when (if ever) this drain meets the entries again.
    for (auto it = posted_unrecorded_.begin(); it != posted_unrecorded_.end();) {
        store_.finish(*it, options_.done_ttl);
        it = posted_unrecorded_.erase(it);
    }
}

void DrainLoop::defer_claims() {
    // While Redis is unreachable no lease can be settled, so leases run out during an outage even
    // when their holders are alive and have posted (and wait to record that). Entries of other
    // consumers are therefore taken over only a full lease after Redis answers this drain again,
    // which gives every live drain time to come back and record what it posted.
    claim_due_ = std::max(claim_due_, pause_until_ + options_.lease);
}

void DrainLoop::on_redis_failure(const std::string& why, bool transient) {
    ++counters_.redis_failures;
    ++redis_failures_in_row_;
    if (why.find("NOGROUP") != std::string::npos) {
        // The stream or the group vanished (deleted, or Redis restarted without persistence):
        // recreate the group right away rather than treating it as a configuration problem.
        group_ready_ = false;
        pause_until_ = clock_() + milliseconds(100);
        pending_due_ = std::min(pending_due_, pause_until_);
        defer_claims();
        forwarder::log::warning("consumer group or stream missing, recreating it: " + why);
        return;
    }
    // Reconnect quickly at first, then every few seconds; a refused command (permissions, wrong key
    // type) needs an operator, so it is retried slowly and logged loudly every time.
    const int doublings = std::min(redis_failures_in_row_ - 1, 6);
    auto delay = transient ? std::min(milliseconds(100) * (1 << doublings), milliseconds(5000)) : milliseconds(10000);
    pause_until_ = clock_() + delay;
    pending_due_ = std::min(pending_due_, pause_until_);
    defer_claims();
    if (!transient) {
        forwarder::log::error("CONFIGURATION PROBLEM: " + why);
    } else if (redis_failures_in_row_ == 1 || redis_failures_in_row_ % 50 == 0) {
        forwarder::log::warning(why + " (reconnecting)");
    }
}

bool DrainLoop::handle_batch(const std::vector<StreamEntry>& entries, const std::atomic<bool>& stop,
                             std::string* cursor) {
    for (const StreamEntry& entry : entries) {
        if (stop.load()) return true;  // the rest stays pending: claimed by another drain or at restart
        switch (process(entry)) {
            case Outcome::retry:
                on_sink_failure(last_failure_);
                return false;
            case Outcome::busy:
                pending_due_ = std::min(pending_due_, clock_() + options_.busy_recheck);
                break;
            default:
                break;
        }
        if (cursor) *cursor = entry.id;
    }
    return true;
}

bool DrainLoop::pending_pass(const std::atomic<bool>& stop) {
    pending_due_ = kNever;
    std::string cursor = "0";
    while (!stop.load()) {
        auto entries = store_.read_own_pending(cursor, options_.batch);
        if (entries.empty()) break;
        const std::string before = cursor;
        if (!handle_batch(entries, stop, &cursor)) return false;
        if (cursor == before) break;
    }
    return true;
}

bool DrainLoop::claim_pass(const std::atomic<bool>& stop) {
    claim_due_ = clock_() + options_.claim_interval;
    std::string cursor = "0-0";
    // Bounded per pass so new entries are not starved while a large backlog is taken over.
    for (int page = 0; page < 16 && !stop.load(); ++page) {
        ClaimPage claimed = store_.autoclaim(options_.claim_idle, cursor, options_.batch);
        if (!claimed.entries.empty()) {
            counters_.claimed += claimed.entries.size();
            forwarder::log::info("claimed " + std::to_string(claimed.entries.size()) +
                                 " entries left unacknowledged by other consumers");
        }
        if (!handle_batch(claimed.entries, stop, nullptr)) return false;
        cursor = claimed.next_cursor;
        if (cursor == "0-0") break;
    }
    return true;
}

void DrainLoop::step(const std::atomic<bool>& stop) {
    if (stop.load()) return;
    const TimePoint now = clock_();
    if (now < pause_until_) {
        sleep_(std::min(std::chrono::duration_cast<milliseconds>(pause_until_ - now), milliseconds(250)));
        return;
    }
    try {
        if (!group_ready_) {
            store_.ensure_group();
            group_ready_ = true;
        }
        record_posted();
        if (pending_due_ <= now && !pending_pass(stop)) return;
        if (claim_due_ <= clock_() && !claim_pass(stop)) return;
        if (forget_due_ <= clock_()) {
            forget_due_ = clock_() + options_.forget_consumers_interval;
            const std::size_t n = store_.forget_idle_consumers(options_.forget_consumers_idle);
            counters_.consumers_forgotten += n;
            if (n > 0) forwarder::log::info("removed " + std::to_string(n) + " stopped consumers from the group");
        }
        if (stop.load()) return;
        // Do not block past the next scheduled look at pending or claimable entries.
        auto block = options_.block;
        const TimePoint next = std::min(pending_due_, claim_due_);
        if (next != kNever) {
            block = std::clamp(std::chrono::duration_cast<milliseconds>(next - clock_()), milliseconds(1), block);
        }
        auto entries = store_.read_new(options_.batch, block);
        counters_.read += entries.size();
        handle_batch(entries, stop, nullptr);
        redis_failures_in_row_ = 0;
    } catch (const RedisError& e) {
        on_redis_failure(e.what(), e.connection);
    } catch (const std::exception& e) {
        on_redis_failure(std::string("drain: ") + e.what(), true);
    }
}

}  // namespace tools

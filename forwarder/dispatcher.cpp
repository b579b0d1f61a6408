#include "forwarder/dispatcher.hpp"

#include "forwarder/clock.hpp"
#include "forwarder/log.hpp"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace forwarder {

std::chrono::milliseconds retry_delay(const RetryPolicy& policy, int attempts, bool config_problem,
                                      std::mt19937_64& rng) {
    const auto base = config_problem ? std::max(policy.config_initial, policy.initial) : policy.initial;
    const int doublings = std::clamp(attempts - 1, 0, 30);
    const auto cap = std::max(policy.maximum, base);
    const double raw = static_cast<double>(base.count()) * static_cast<double>(1ull << doublings);
    const auto delay = static_cast<std::int64_t>(std::min(raw, static_cast<double>(cap.count())));
    std::uniform_int_distribution<std::int64_t> jitter(delay / 2, std::max<std::int64_t>(delay, 1));
    return std::chrono::milliseconds(jitter(rng));
}

struct Dispatcher::Worker {
    Outbox& outbox;
    std::unique_ptr<Sink> sink;
    const DispatcherOptions& options;
    std::mutex mutex;
    std::condition_variable cv;
    bool stopping = false;
    bool woken = false;
    std::thread thread;
    std::mt19937_64 rng{std::random_device{}()};
    int consecutive_failures = 0;
    bool last_failure_config = false;
    // Whether the sink's latest attempt failed for a reason only an operator can fix (credentials,
    // URL, listmonk's webhooks switched off); read by scrapes on another thread.
    std::atomic<bool> config_problem{false};
    // Attempts by outcome, for bounce_sink_attempts_total; written by this worker, read by scrapes.
    std::atomic<std::uint64_t> delivered_count{0}, temporary_count{0}, config_count{0}, refused_count{0};
    std::string last_failure_reason;
    std::chrono::steady_clock::time_point failing_since{}, last_failure_report{};
    std::int64_t last_prune_ms = 0;

    // Outcomes of claimed deliveries that the outbox has not recorded yet. When the outbox cannot be
    // written (disk full, I/O error) after a sink already took an event, forgetting the outcome would
    // let the event's lease expire and deliver it a second time; forgetting the untried rest of a
    // batch would hold it back for a whole lease. So outcomes wait here, in order, and are recorded
    // before anything new is claimed. They are lost only if the process ends meanwhile (then the
    // lease redoes them: at least once, as after a crash).
    struct Outcome {
        enum class Kind { delivered, retry, dead, release } kind;
        std::int64_t event_id;
        std::int64_t next_attempt_ms = 0;
        std::string error;
    };
    std::deque<Outcome> unrecorded;

    // Records waiting outcomes oldest first; throws (keeping the rest) while the outbox fails.
    void record_outcomes() {
        const std::string& name = sink->name();
        while (!unrecorded.empty()) {
            // A run of deliveries (a batch the sink confirmed at once) goes in one transaction.
            std::vector<std::int64_t> delivered;
            for (const Outcome& o : unrecorded) {
                if (o.kind != Outcome::Kind::delivered) break;
                delivered.push_back(o.event_id);
            }
            if (delivered.size() > 1) {
                outbox.mark_delivered(delivered, name);
                unrecorded.erase(unrecorded.begin(), unrecorded.begin() + static_cast<std::ptrdiff_t>(delivered.size()));
                continue;
            }
            const Outcome& o = unrecorded.front();
            switch (o.kind) {
                case Outcome::Kind::delivered: outbox.mark_delivered(o.event_id, name); break;
                case Outcome::Kind::retry: outbox.mark_retry(o.event_id, name, o.next_attempt_ms, o.error); break;
                case Outcome::Kind::dead: outbox.mark_dead(o.event_id, name, o.error); break;
                case Outcome::Kind::release: outbox.release(o.event_id, name); break;
            }
            unrecorded.pop_front();
        }
    }

    static Outcome release_of(const Delivery& d) { return {Outcome::Kind::release, d.event_id, 0, {}}; }

    void record(Outcome outcome) {
        unrecorded.push_back(std::move(outcome));
        record_outcomes();
    }

    Worker(Outbox& o, std::unique_ptr<Sink> s, const DispatcherOptions& opts)
        : outbox(o), sink(std::move(s)), options(opts) {}

    void wake() {
        {
            std::lock_guard lock(mutex);
            woken = true;
        }
        cv.notify_one();
    }

    void stop() {
        {
            std::lock_guard lock(mutex);
            stopping = true;
        }
        cv.notify_one();
    }

    bool should_stop() {
        std::lock_guard lock(mutex);
        return stopping;
    }

    // Sleeps up to `duration`, returning early on stop or wake.
    void sleep_for(std::chrono::milliseconds duration) {
        std::unique_lock lock(mutex);
        cv.wait_for(lock, duration, [this] { return stopping || woken; });
        woken = false;
    }

    // Handles one claimed delivery; returns false when the sink failed and the rest of the batch should wait.
    bool deliver(const Delivery& d) {
        const DeliveryResult result = sink->deliver(d.event);
        const std::string& name = sink->name();
        const std::string what = "event " + std::to_string(d.event_id) + " (" + d.event.type + " " +
                                 (d.event.subscriber_uuid.empty() ? d.event.email : d.event.subscriber_uuid) + ")";
        switch (result.kind) {
            case DeliveryResult::Kind::delivered:
                config_problem = false;
                delivered_count.fetch_add(1, std::memory_order_relaxed);
                record({Outcome::Kind::delivered, d.event_id, 0, {}});
                recovered();
                return true;
            case DeliveryResult::Kind::permanent:
                log::error(name + ": " + what + " refused permanently, kept as dead letter: " + result.reason);
                consecutive_failures = 0;  // the sink itself answered; this event alone is bad
                config_problem = false;
                refused_count.fetch_add(1, std::memory_order_relaxed);
                record({Outcome::Kind::dead, d.event_id, 0, result.reason});
                return true;
            case DeliveryResult::Kind::retry: break;
        }
        if (consecutive_failures++ == 0) failing_since = last_failure_report = std::chrono::steady_clock::now();
        last_failure_config = result.config_problem;
        config_problem = result.config_problem;
        (result.config_problem ? config_count : temporary_count).fetch_add(1, std::memory_order_relaxed);
        last_failure_reason = result.reason;
        const auto delay = retry_delay(options.retry, d.attempts + 1, result.config_problem, rng);
        const std::string message = name + ": " + what + " not delivered (attempt " + std::to_string(d.attempts + 1) +
                                    "), retrying in " + std::to_string(delay.count()) + " ms: " + result.reason;
        if (result.config_problem) {
            log::error("CONFIGURATION PROBLEM: " + message);  // loud: only an operator can fix it
        } else if (consecutive_failures == 1 || consecutive_failures % 10 == 0) {
            log::warning(message);
        }
        record({Outcome::Kind::retry, d.event_id, now_ms() + delay.count(),
                result.config_problem ? kConfigProblemPrefix + result.reason : result.reason});
        return false;
    }

    // The sink answered after failing: what waited for it goes now, not after each event's backoff.
    void recovered() {
        if (consecutive_failures == 0) return;
        const auto waited = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - failing_since);
        const std::size_t due = outbox.retry_now(sink->name());
        log::info(sink->name() + ": delivering again after " + std::to_string(consecutive_failures) + " failures over " +
                  std::to_string(waited.count()) + " s; " + std::to_string(due) + " waiting deliveries due now");
        consecutive_failures = 0;
    }

    // A steady reminder while a sink fails: a single warning at the first failure is easy to miss.
    void report_if_still_failing() {
        if (consecutive_failures == 0) return;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_failure_report < options.failure_report_interval) return;
        last_failure_report = now;
        std::size_t pending = 0;
        std::int64_t oldest_ms = 0;
        for (const auto& s : outbox.stats()) {
            if (s.sink != sink->name()) continue;
            pending = s.pending;
            oldest_ms = s.oldest_pending_age_ms;
        }
        log::warning(sink->name() + ": still failing: " + std::to_string(pending) + " pending, oldest " +
                     std::to_string(oldest_ms / 60000) + " min, " + std::to_string(consecutive_failures) +
                     " failed attempts, last error: " + (last_failure_config ? kConfigProblemPrefix : "") +
                     last_failure_reason);
    }

    // A sink that confirms whole batches (one fdatasync for all of them) delivers the claimed batch
    // at once; the outcomes are recorded like any others, in one transaction (record_outcomes).
    // Returns false when the batch failed: the caller then delivers event by event, which sorts out
    // which events fail and how long to pause, exactly as for any other sink.
    bool deliver_whole(const std::vector<Delivery>& batch) {
        std::vector<const Event*> events;
        events.reserve(batch.size());
        for (const Delivery& d : batch) events.push_back(&d.event);
        const DeliveryResult result = sink->deliver_batch(events);
        if (result.kind != DeliveryResult::Kind::delivered) return false;
        config_problem = false;
        delivered_count.fetch_add(batch.size(), std::memory_order_relaxed);
        for (const Delivery& d : batch) unrecorded.push_back({Outcome::Kind::delivered, d.event_id, 0, {}});
        record_outcomes();
        recovered();
        return true;
    }

    void run() noexcept {
        while (!should_stop()) {
            try {
                record_outcomes();  // what the outbox could not take last time comes first
                maybe_prune();
                report_if_still_failing();
                auto batch = outbox.claim_due(sink->name(), options.batch, options.lease);
                // A failing sink with nothing due (every event backed off): probe it with the oldest.
                if (batch.empty() && consecutive_failures > 0) {
                    if (auto oldest = outbox.claim_oldest(sink->name(), options.lease)) batch.push_back(std::move(*oldest));
                }
                if (!batch.empty() && sink->delivers_batches() && deliver_whole(batch)) {
                    if (batch.size() < options.batch) sleep_until_stop(options.batch_linger);
                    continue;
                }
                const auto claimed_at = std::chrono::steady_clock::now();
                bool failed = false;
                std::chrono::milliseconds pause{0};
                std::size_t untried = 0;  // first entry of the batch not handed to the sink yet
                try {
                    // Slow but successful deliveries must not outlive the lease, or another process
                    // could claim the rest of the batch meanwhile and deliver it twice: past half the
                    // lease the rest goes back and is claimed afresh.
                    while (untried < batch.size() && !should_stop() &&
                           std::chrono::steady_clock::now() - claimed_at < options.lease / 2) {
                        if (!deliver(batch[untried++])) {
                            failed = true;
                            break;
                        }
                    }
                } catch (...) {
                    // The outbox failed while recording an outcome: the untried rest goes back as
                    // soon as the outbox takes writes again, not after the lease.
                    for (; untried < batch.size(); ++untried) unrecorded.push_back(release_of(batch[untried]));
                    throw;
                }
                // The sink is failing (or we are stopping): give the untried rest back unchanged, and
                // pause the whole sink instead of hammering it with every pending event.
                for (; untried < batch.size(); ++untried) unrecorded.push_back(release_of(batch[untried]));
                record_outcomes();
                if (failed) {
                    pause = std::min(retry_delay(options.retry, consecutive_failures, last_failure_config, rng),
                                     options.probe_interval);
                    sleep_until_stop(pause);
                    continue;
                }
                if (!batch.empty()) continue;
                auto next = outbox.next_due_ms(sink->name());
                auto wait = options.poll;
                if (next) wait = std::clamp(std::chrono::milliseconds(*next - now_ms()), std::chrono::milliseconds(0), wait);
                if (wait.count() > 0) sleep_for(wait);
            } catch (const std::exception& e) {
                log::error(sink->name() + ": outbox error in delivery worker: " + e.what());
                sleep_until_stop(std::chrono::milliseconds(1000));
            }
        }
        try {
            record_outcomes();  // a stop during an outbox failure: one last try
        } catch (const std::exception& e) {
            log::warning(sink->name() + ": " + std::to_string(unrecorded.size()) +
                         " delivery outcomes not recorded at stop, redone after their lease: " + e.what());
        }
    }

    // Unlike sleep_for, new events do not end a failure pause (the sink is what is broken).
    void sleep_until_stop(std::chrono::milliseconds duration) {
        std::unique_lock lock(mutex);
        cv.wait_for(lock, duration, [this] { return stopping; });
        woken = false;
    }

    void maybe_prune() {
        const auto now = now_ms();
        if (now - last_prune_ms < 3600 * 1000) return;
        last_prune_ms = now;
        const auto retention = std::chrono::duration_cast<std::chrono::milliseconds>(options.retention).count();
        const auto pruned = outbox.prune_delivered(now - retention);
        if (pruned > 0) log::info("outbox: forgot " + std::to_string(pruned) + " delivered events past retention");
    }
};

Dispatcher::Dispatcher(Outbox& outbox, std::vector<std::unique_ptr<Sink>> sinks, DispatcherOptions options)
    : outbox_(outbox), options_(std::move(options)) {
    for (auto& sink : sinks) workers_.push_back(std::make_unique<Worker>(outbox_, std::move(sink), options_));
}

Dispatcher::~Dispatcher() {
    outbox_.set_enqueue_listener(nullptr);
    stop();
}

void Dispatcher::start() {
    outbox_.set_enqueue_listener([this] { wake(); });
    for (auto& w : workers_) {
        if (w->thread.joinable()) continue;
        w->thread = std::thread([worker = w.get()] { worker->run(); });
        // "sink:file" etc. in top -H, perf and /proc: which sink a busy or blocked thread serves.
        pthread_setname_np(w->thread.native_handle(), ("sink:" + w->sink->name()).substr(0, 15).c_str());
    }
}

void Dispatcher::stop() {
    for (auto& w : workers_) w->stop();
    for (auto& w : workers_) {
        if (w->thread.joinable()) w->thread.join();
    }
}

std::vector<Dispatcher::SinkAttempts> Dispatcher::sink_attempts() const {
    std::vector<SinkAttempts> out;
    for (const auto& w : workers_) {
        out.push_back({w->sink->name(), w->config_problem.load(), w->delivered_count.load(std::memory_order_relaxed),
                       w->temporary_count.load(std::memory_order_relaxed), w->config_count.load(std::memory_order_relaxed),
                       w->refused_count.load(std::memory_order_relaxed)});
    }
    return out;
}

void Dispatcher::wake() {
    for (auto& w : workers_) w->wake();
}

}  // namespace forwarder

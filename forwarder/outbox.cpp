#include "forwarder/outbox.hpp"

#include "forwarder/clock.hpp"
#include "forwarder/digest.hpp"
#include "forwarder/sqlite_db.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>

namespace forwarder {
namespace {

constexpr int kBusyTimeoutMs = 15000;  // other processes (admin tool, backfill) may hold the write lock briefly

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS events (
    id      INTEGER PRIMARY KEY,
    key     TEXT    NOT NULL UNIQUE,
    body    TEXT    NOT NULL,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS deliveries (
    event_id        INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    sink            TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT    NOT NULL DEFAULT '',
    updated         INTEGER NOT NULL,
    PRIMARY KEY (event_id, sink)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (sink, state, next_attempt_at);
CREATE TABLE IF NOT EXISTS held (
    id      INTEGER PRIMARY KEY,
    key     TEXT    NOT NULL UNIQUE,
    reason  TEXT    NOT NULL,
    body    TEXT    NOT NULL,
    created INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
PRAGMA user_version = 1;
)sql";

// Version 2 adds what deliverability reports group and window by: the receiver family and the
// time of the bounce itself (created_at, which a backfill takes from the bounce's Date; `created`
// is when the outbox took the event). Outboxes written by version 1 are converted in place, once,
// inside the opening transaction, so a process that shares the file never sees half of it.
std::string bounce_time(const char* body, const char* created) {
    return std::string("COALESCE(CAST(strftime('%s', json_extract(") + body +
           ", '$.created_at')) AS INTEGER) * 1000, " + created + ")";
}

bool has_column(sqlite::Connection& db, const char* table, std::string_view column) {
    sqlite::Statement s(db, (std::string("SELECT name FROM pragma_table_info('") + table + "')").c_str());
    while (s.step())
        if (s.text(0) == column) return true;
    return false;
}

void migrate_to_receivers(sqlite::Connection& db) {
    if (has_column(db, "events", "receiver")) return;
    db.exec("ALTER TABLE events ADD COLUMN receiver TEXT NOT NULL DEFAULT ''");
    db.exec("ALTER TABLE events ADD COLUMN bounced INTEGER NOT NULL DEFAULT 0");
    db.exec(("UPDATE events SET bounced = " + bounce_time("body", "created")).c_str());
    // Worked out first and written after the scan, so the scan never meets rows it changed.
    std::vector<std::pair<std::int64_t, std::string>> receivers;
    {
        sqlite::Statement rows(db, "SELECT id, body FROM events");
        while (rows.step()) {
            const Event event = event_from_storage_json(nlohmann::json::parse(rows.text(1), nullptr, false));
            receivers.emplace_back(rows.int64(0), receiver_of(event));
        }
    }
    sqlite::Statement update(db, "UPDATE events SET receiver = ?1 WHERE id = ?2");
    for (const auto& [id, receiver] : receivers) {
        update.bind(1, receiver).bind(2, id).run();
        update.reset();
    }
}

DeliveryState parse_state(const std::string& s) {
    if (s == "delivered") return DeliveryState::delivered;
    if (s == "dead") return DeliveryState::dead;
    return DeliveryState::pending;
}

// Producers' connection: every commit is fsynced (synchronous=FULL), because a returned enqueue is
// the milter's promise to the sending MTA that the bounce will not be lost.
// Workers' connection: synchronous=NORMAL. In WAL mode that is still crash-safe for the process;
// only an OS crash or power cut can undo the latest state updates, which re-delivers (never loses)
// an event. The next FULL commit by a producer fsyncs the whole log, including those updates.
void configure(sqlite::Connection& db, bool full_sync) {
    const std::string mode = db.query_text("PRAGMA journal_mode=WAL");
    if (mode != "wal") throw OutboxError("outbox: cannot switch to WAL journal (got '" + mode + "')");
    db.exec(full_sync ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL");
    db.exec("PRAGMA foreign_keys=ON");
}

}  // namespace

const char* to_string(DeliveryState state) noexcept {
    switch (state) {
        case DeliveryState::delivered: return "delivered";
        case DeliveryState::dead: return "dead";
        case DeliveryState::pending: break;
    }
    return "pending";
}

struct Outbox::Impl {
    std::string path;
    std::vector<std::string> sinks;
    // One lock for both writing connections. They still contend for SQLite's write lock, and SQLite
    // resolves that by sleeping and retrying (1, 2, 5, 10 ms ...): in a bounce storm the delivery
    // worker spent 6.6 s of a 2,000-DSN burst asleep behind the producers' commits, delaying every
    // event's delivery. A mutex wakes the waiter the moment the other commit ends. Other processes
    // (bounce-outbox, the backfill helper) still meet the busy timeout.
    std::mutex write_mutex;
    sqlite::Connection producer;
    sqlite::Connection worker;
    std::mutex reader_mutex;
    sqlite::Connection reader;  // stats only: reads never wait for (or hold up) the writers
    std::mutex listener_mutex;
    std::function<void()> listener;
    std::atomic<std::uint64_t> duplicates{0};
    std::atomic<std::uint64_t> inserted{0};

    struct PendingEnqueue {
        const std::vector<Event>* events = nullptr;
        EnqueueResult result;
        std::exception_ptr error;
        bool done = false;
        bool leads = false;  // handed the next commit by the previous leader
        // Each caller has its own, so a commit wakes only the callers it finished and the next leader.
        std::condition_variable woken;
    };
    std::mutex group_mutex;
    std::deque<PendingEnqueue*> group_queue;
    bool group_leader_active = false;
    void commit_group(const std::vector<PendingEnqueue*>& group) noexcept;

    Impl(const std::string& p, std::vector<std::string> s)
        : path(p), sinks(std::move(s)), producer(p, kBusyTimeoutMs), worker(p, kBusyTimeoutMs), reader(p, kBusyTimeoutMs) {}

    Delivery read_delivery(sqlite::Statement& row) {
        // Column order shared by every SELECT below.
        Delivery d;
        d.event_id = row.int64(0);
        d.sink = row.text(1);
        d.event = event_from_storage_json(nlohmann::json::parse(row.text(2), nullptr, false));
        d.state = parse_state(row.text(3));
        d.attempts = static_cast<int>(row.int64(4));
        d.next_attempt_ms = row.int64(5);
        d.last_error = row.text(6);
        d.created_ms = row.int64(7);
        d.updated_ms = row.int64(8);
        return d;
    }
};

Outbox::Outbox(const std::string& path, std::vector<std::string> sinks)
    : impl_(std::make_unique<Impl>(path, std::move(sinks))) {
    configure(impl_->producer, true);
    configure(impl_->worker, false);
    sqlite::Transaction tx(impl_->producer);
    impl_->producer.exec(kSchema);
    migrate_to_receivers(impl_->producer);
    impl_->producer.exec("CREATE INDEX IF NOT EXISTS events_bounced ON events (bounced); PRAGMA user_version = 2;");
    tx.commit();
}

Outbox::~Outbox() = default;

const std::vector<std::string>& Outbox::sinks() const { return impl_->sinks; }

void Outbox::set_enqueue_listener(std::function<void()> listener) {
    std::lock_guard lock(impl_->listener_mutex);
    impl_->listener = std::move(listener);
}

// Group commit: concurrent enqueues (one milter thread per SMTP connection) share one transaction
// and one fsync. The first caller to find no commit running becomes the leader and commits
// everything queued so far; the others wait for its result, and the oldest of those queued meanwhile
// leads the next commit. Each caller still returns only after
// its own events are durable, and a failed commit fails every caller in the group.
EnqueueResult Outbox::enqueue(const std::vector<Event>& events) {
    if (events.empty()) return {};
    Impl::PendingEnqueue mine;
    mine.events = &events;
    {
        std::unique_lock lock(impl_->group_mutex);
        impl_->group_queue.push_back(&mine);
        if (!impl_->group_leader_active) {
            impl_->group_leader_active = true;
            mine.leads = true;
        }
        while (!mine.done && !mine.leads) mine.woken.wait(lock);
        if (!mine.done) {
            std::vector<Impl::PendingEnqueue*> group(impl_->group_queue.begin(), impl_->group_queue.end());
            impl_->group_queue.clear();
            lock.unlock();
            impl_->commit_group(group);
            lock.lock();
            // Notified under the lock: a caller that sees `done` returns and destroys its condition
            // variable, which must not happen while it is being notified.
            for (auto* p : group) {
                p->done = true;
                if (p != &mine) p->woken.notify_one();
            }
            if (impl_->group_queue.empty()) {
                impl_->group_leader_active = false;
            } else {
                // Leadership passes straight to the oldest waiter; no other caller is woken for it.
                impl_->group_queue.front()->leads = true;
                impl_->group_queue.front()->woken.notify_one();
            }
        }
    }
    if (mine.error) std::rethrow_exception(mine.error);
    impl_->duplicates += mine.result.duplicates;
    impl_->inserted += mine.result.inserted;
    if (mine.result.inserted > 0) {
        std::function<void()> listener;
        {
            std::lock_guard lock(impl_->listener_mutex);
            listener = impl_->listener;
        }
        if (listener) listener();
    }
    return mine.result;
}

void Outbox::Impl::commit_group(const std::vector<PendingEnqueue*>& group) noexcept {
    try {
        std::lock_guard lock(write_mutex);
        auto& db = producer;
        sqlite::Transaction tx(db);
        static const std::string insert_sql = "INSERT INTO events (key, body, created, receiver, bounced) "
                                              "VALUES (?1, ?2, ?3, ?4, " + bounce_time("?2", "?3") +
                                              ") ON CONFLICT (key) DO NOTHING";
        sqlite::Statement insert_event(db, insert_sql.c_str());
        sqlite::Statement insert_delivery(db, "INSERT INTO deliveries (event_id, sink, state, next_attempt_at, updated) "
                                              "VALUES (?1, ?2, 'pending', ?3, ?3)");
        const std::int64_t now = now_ms();
        for (PendingEnqueue* pending : group) {
            pending->result = {};
            for (const Event& event : *pending->events) {
                const std::string body = dump_json(to_storage_json(event));
                // A key is what makes redelivery safe; an event without one is keyed by its content.
                const std::string key =
                    event.idempotency_key.empty() ? "body:" + sha256_hex(body) : event.idempotency_key;
                insert_event.bind(1, key).bind(2, body).bind(3, now).bind(4, receiver_of(event)).run();
                insert_event.reset();
                if (db.changes() == 0) {
                    ++pending->result.duplicates;
                    continue;
                }
                const std::int64_t id = db.last_insert_rowid();
                for (const std::string& sink : sinks) {
                    insert_delivery.bind(1, id).bind(2, sink).bind(3, now).run();
                    insert_delivery.reset();
                }
                ++pending->result.inserted;
            }
        }
        tx.commit();
    } catch (...) {
        std::exception_ptr error = std::current_exception();
        try {
            throw;
        } catch (const OutboxError&) {
        } catch (const std::exception& e) {
            error = std::make_exception_ptr(OutboxError(std::string("outbox: ") + e.what()));
        } catch (...) {
            error = std::make_exception_ptr(OutboxError("outbox: unknown failure"));
        }
        for (PendingEnqueue* pending : group) {
            pending->result = {};
            pending->error = error;
        }
    }
}

#define DELIVERY_COLUMNS                                                                                   \
    "d.event_id, d.sink, e.body, d.state, d.attempts, d.next_attempt_at, d.last_error, e.created, d.updated " \
    "FROM deliveries d JOIN events e ON e.id = d.event_id "

std::vector<Delivery> Outbox::claim_due(const std::string& sink, std::size_t limit, std::chrono::milliseconds lease) {
    std::lock_guard lock(impl_->write_mutex);
    auto& db = impl_->worker;
    sqlite::Transaction tx(db);
    const std::int64_t now = now_ms();
    sqlite::Statement select(db, "SELECT " DELIVERY_COLUMNS
                                 "WHERE d.sink = ?1 AND d.state = 'pending' AND d.next_attempt_at <= ?2 "
                                 "ORDER BY d.next_attempt_at, d.event_id LIMIT ?3");
    select.bind(1, sink).bind(2, now).bind(3, static_cast<std::int64_t>(limit));
    std::vector<Delivery> claimed;
    while (select.step()) claimed.push_back(impl_->read_delivery(select));
    sqlite::Statement lease_row(db, "UPDATE deliveries SET next_attempt_at = ?1 WHERE event_id = ?2 AND sink = ?3");
    for (const Delivery& d : claimed) {
        lease_row.bind(1, now + lease.count()).bind(2, d.event_id).bind(3, sink).run();
        lease_row.reset();
    }
    tx.commit();
    return claimed;
}

void Outbox::mark_delivered(std::int64_t event_id, const std::string& sink) {
    std::lock_guard lock(impl_->write_mutex);
    sqlite::Statement s(impl_->worker, "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, "
                                       "last_error = '', updated = ?1 WHERE event_id = ?2 AND sink = ?3");
    s.bind(1, now_ms()).bind(2, event_id).bind(3, sink).run();
}

void Outbox::mark_delivered(const std::vector<std::int64_t>& event_ids, const std::string& sink) {
    if (event_ids.empty()) return;
    std::lock_guard lock(impl_->write_mutex);
    auto& db = impl_->worker;
    sqlite::Transaction tx(db);
    sqlite::Statement s(db, "UPDATE deliveries SET state = 'delivered', attempts = attempts + 1, "
                            "last_error = '', updated = ?1 WHERE event_id = ?2 AND sink = ?3");
    const std::int64_t now = now_ms();
    for (const std::int64_t id : event_ids) {
        s.bind(1, now).bind(2, id).bind(3, sink).run();
        s.reset();
    }
    tx.commit();
}

void Outbox::mark_retry(std::int64_t event_id, const std::string& sink, std::int64_t next_attempt_ms,
                        const std::string& error) {
    std::lock_guard lock(impl_->write_mutex);
    sqlite::Statement s(impl_->worker, "UPDATE deliveries SET attempts = attempts + 1, next_attempt_at = ?1, "
                                       "last_error = ?2, updated = ?3 "
                                       "WHERE event_id = ?4 AND sink = ?5 AND state = 'pending'");
    s.bind(1, next_attempt_ms).bind(2, error).bind(3, now_ms()).bind(4, event_id).bind(5, sink).run();
}

void Outbox::mark_dead(std::int64_t event_id, const std::string& sink, const std::string& error) {
    std::lock_guard lock(impl_->write_mutex);
    sqlite::Statement s(impl_->worker, "UPDATE deliveries SET state = 'dead', attempts = attempts + 1, "
                                       "last_error = ?1, updated = ?2 WHERE event_id = ?3 AND sink = ?4");
    s.bind(1, error).bind(2, now_ms()).bind(3, event_id).bind(4, sink).run();
}

void Outbox::release(std::int64_t event_id, const std::string& sink) {
    std::lock_guard lock(impl_->write_mutex);
    sqlite::Statement s(impl_->worker, "UPDATE deliveries SET next_attempt_at = ?1 "
                                       "WHERE event_id = ?2 AND sink = ?3 AND state = 'pending'");
    s.bind(1, now_ms()).bind(2, event_id).bind(3, sink).run();
}

std::optional<std::int64_t> Outbox::next_due_ms(const std::string& sink) {
    std::lock_guard lock(impl_->write_mutex);
    sqlite::Statement s(impl_->worker, "SELECT MIN(next_attempt_at), COUNT(*) FROM deliveries "
                                       "WHERE sink = ?1 AND state = 'pending'");
    s.bind(1, sink);
    if (!s.step() || s.int64(1) == 0) return std::nullopt;
    return s.int64(0);
}

// Runs on its own connection and lock: in WAL mode a reader never blocks the producers' or the
// workers' writes (nor waits for them), so a metrics scrape or `bounce-outbox stats` on a busy outbox
// costs the mail flow nothing. Both queries share one read snapshot, so the figures agree.
std::vector<SinkStats> Outbox::stats() {
    std::lock_guard lock(impl_->reader_mutex);
    sqlite::Connection& db = impl_->reader;
    db.exec("BEGIN DEFERRED");
    struct EndRead {
        sqlite::Connection& db;
        ~EndRead() { sqlite3_exec(db.handle(), "COMMIT", nullptr, nullptr, nullptr); }
    } end_read{db};

    std::vector<SinkStats> out;
    auto stats_of = [&out](const std::string& sink) -> SinkStats& {
        for (SinkStats& st : out)
            if (st.sink == sink) return st;
        out.push_back(SinkStats{});
        out.back().sink = sink;
        return out.back();
    };
    {
        // Counted on the (sink, state, next_attempt_at) index alone, without touching the rows.
        sqlite::Statement s(db, "SELECT sink, state, COUNT(*) FROM deliveries GROUP BY sink, state ORDER BY sink");
        while (s.step()) {
            SinkStats& st = stats_of(s.text(0));
            const auto n = static_cast<std::size_t>(s.int64(2));
            switch (parse_state(s.text(1))) {
                case DeliveryState::pending: st.pending = n; break;
                case DeliveryState::delivered: st.delivered = n; break;
                case DeliveryState::dead: st.dead = n; break;
            }
        }
    }
    const std::int64_t now = now_ms();
    for (SinkStats& st : out) {
        if (st.pending == 0) continue;
        sqlite::Statement s(db, "SELECT SUM(d.attempts > 0), MIN(e.created) FROM deliveries d "
                                "JOIN events e ON e.id = d.event_id WHERE d.sink = ?1 AND d.state = 'pending'");
        s.bind(1, st.sink);
        if (s.step()) {
            st.retrying = static_cast<std::size_t>(s.int64(0));
            st.oldest_pending_age_ms = std::max<std::int64_t>(0, now - s.int64(1));
        }
    }
    for (const std::string& sink : impl_->sinks) (void)stats_of(sink);  // configured sinks show up before their first event
    std::sort(out.begin(), out.end(), [](const SinkStats& a, const SinkStats& b) { return a.sink < b.sink; });
    return out;
}

std::vector<Delivery> Outbox::list(DeliveryState state, const std::string& sink, std::size_t limit) {
    std::lock_guard lock(impl_->write_mutex);
    sqlite::Statement s(impl_->worker, "SELECT " DELIVERY_COLUMNS
                                       "WHERE d.state = ?1 AND (?2 = '' OR d.sink = ?2) "
                                       "ORDER BY e.created, d.event_id, d.sink LIMIT ?3");
    s.bind(1, std::string_view(to_string(state))).bind(2, sink).bind(3, static_cast<std::int64_t>(limit));
    std::vector<Delivery> out;
    while (s.step()) out.push_back(impl_->read_delivery(s));
    return out;
}

std::size_t Outbox::requeue(const std::string& sink, std::int64_t event_id, bool include_pending) {
    std::lock_guard lock(impl_->write_mutex);
    auto& db = impl_->worker;
    sqlite::Statement s(db, "UPDATE deliveries SET state = 'pending', attempts = 0, next_attempt_at = ?1, "
                            "updated = ?1 "
                            "WHERE (state = 'dead' OR (?4 AND state = 'pending')) "
                            "AND (?2 = '' OR sink = ?2) AND (?3 = 0 OR event_id = ?3)");
    s.bind(1, now_ms()).bind(2, sink).bind(3, event_id).bind(4, static_cast<std::int64_t>(include_pending)).run();
    const auto changed = static_cast<std::size_t>(db.changes());
    if (changed > 0) {
        std::function<void()> listener;
        {
            std::lock_guard l(impl_->listener_mutex);
            listener = impl_->listener;
        }
        if (listener) listener();
    }
    return changed;
}

std::size_t Outbox::retry_now(const std::string& sink, std::int64_t event_id) {
    std::lock_guard lock(impl_->write_mutex);
    auto& db = impl_->worker;
    sqlite::Statement s(db, "UPDATE deliveries SET next_attempt_at = ?1 "
                            "WHERE state = 'pending' AND next_attempt_at > ?1 "
                            "AND (?2 = '' OR sink = ?2) AND (?3 = 0 OR event_id = ?3)");
    s.bind(1, now_ms()).bind(2, sink).bind(3, event_id).run();
    const auto changed = static_cast<std::size_t>(db.changes());
    if (changed > 0) {
        std::function<void()> listener;
        {
            std::lock_guard l(impl_->listener_mutex);
            listener = impl_->listener;
        }
        if (listener) listener();
    }
    return changed;
}

std::optional<Delivery> Outbox::claim_oldest(const std::string& sink, std::chrono::milliseconds lease) {
    std::lock_guard lock(impl_->write_mutex);
    auto& db = impl_->worker;
    sqlite::Transaction tx(db);
    const std::int64_t now = now_ms();
    sqlite::Statement select(db, "SELECT " DELIVERY_COLUMNS
                                 "WHERE d.sink = ?1 AND d.state = 'pending' ORDER BY d.event_id LIMIT 1");
    select.bind(1, sink);
    if (!select.step()) return std::nullopt;
    Delivery claimed = impl_->read_delivery(select);
    sqlite::Statement lease_row(db, "UPDATE deliveries SET next_attempt_at = ?1 WHERE event_id = ?2 AND sink = ?3");
    lease_row.bind(1, now + lease.count()).bind(2, claimed.event_id).bind(3, sink).run();
    tx.commit();
    return claimed;
}

std::size_t Outbox::config_problems(const std::string& sink) {
    auto& db = impl_->worker;
    std::lock_guard lock(impl_->write_mutex);
    sqlite::Statement s(db, "SELECT COUNT(*) FROM deliveries WHERE state = 'pending' AND (?1 = '' OR sink = ?1) "
                            "AND substr(last_error, 1, ?3) = ?2");
    const std::string prefix = kConfigProblemPrefix;
    s.bind(1, sink).bind(2, prefix).bind(3, static_cast<std::int64_t>(prefix.size()));
    return s.step() ? static_cast<std::size_t>(s.int64(0)) : 0;
}

std::size_t Outbox::purge(DeliveryState state, const std::string& sink, std::int64_t event_id) {
    std::lock_guard lock(impl_->write_mutex);
    auto& db = impl_->worker;
    sqlite::Transaction tx(db);
    sqlite::Statement s(db, "DELETE FROM deliveries WHERE state = ?1 AND (?2 = '' OR sink = ?2) "
                            "AND (?3 = 0 OR event_id = ?3)");
    s.bind(1, std::string_view(to_string(state))).bind(2, sink).bind(3, event_id).run();
    const auto deleted = static_cast<std::size_t>(db.changes());
    db.exec("DELETE FROM events WHERE NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = events.id)");
    tx.commit();
    return deleted;
}

std::size_t Outbox::prune_delivered(std::int64_t older_than_ms) {
    std::lock_guard lock(impl_->write_mutex);
    auto& db = impl_->worker;
    sqlite::Statement s(db, "DELETE FROM events WHERE created < ?1 AND NOT EXISTS "
                            "(SELECT 1 FROM deliveries d WHERE d.event_id = events.id AND d.state <> 'delivered')");
    s.bind(1, older_than_ms).run();
    const auto pruned = static_cast<std::size_t>(db.changes());
    sqlite::Statement held(db, "DELETE FROM held WHERE created < ?1");
    held.bind(1, older_than_ms).run();
    return pruned;
}

bool Outbox::hold(const HeldReport& report) {
    try {
        std::lock_guard lock(impl_->write_mutex);
        auto& db = impl_->producer;
        sqlite::Statement s(db, "INSERT INTO held (key, reason, body, created) VALUES (?1, ?2, ?3, ?4) "
                                "ON CONFLICT (key) DO NOTHING");
        s.bind(1, report.key).bind(2, report.reason).bind(3, dump_json(to_storage_json(report))).bind(4, now_ms()).run();
        return db.changes() > 0;
    } catch (const OutboxError&) {
        throw;
    } catch (const std::exception& e) {
        throw OutboxError(std::string("outbox: ") + e.what());
    }
}

namespace {

HeldRow read_held(sqlite::Statement& row) {
    HeldRow h;
    h.id = row.int64(0);
    h.created_ms = row.int64(1);
    h.report = held_report_from_storage_json(nlohmann::json::parse(row.text(2), nullptr, false));
    return h;
}

}  // namespace

std::vector<HeldRow> Outbox::list_held(const std::string& reason, std::size_t limit) {
    std::lock_guard lock(impl_->write_mutex);
    sqlite::Statement s(impl_->worker, "SELECT id, created, body FROM held WHERE reason <> 'released' "
                                       "AND (?1 = '' OR reason = ?1) ORDER BY created, id LIMIT ?2");
    s.bind(1, reason).bind(2, static_cast<std::int64_t>(limit));
    std::vector<HeldRow> out;
    while (s.step()) out.push_back(read_held(s));
    return out;
}

std::optional<HeldRow> Outbox::held(std::int64_t id) {
    std::lock_guard lock(impl_->write_mutex);
    sqlite::Statement s(impl_->worker, "SELECT id, created, body FROM held WHERE id = ?1 AND reason <> 'released'");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_held(s);
}

std::map<std::string, std::size_t> Outbox::held_counts() {
    std::lock_guard lock(impl_->reader_mutex);
    std::map<std::string, std::size_t> out{{"suspect", 0}, {"unattributed", 0}};
    sqlite::Statement s(impl_->reader, "SELECT reason, COUNT(*) FROM held WHERE reason <> 'released' GROUP BY reason");
    while (s.step()) out[s.text(0)] = static_cast<std::size_t>(s.int64(1));
    return out;
}

std::optional<EnqueueResult> Outbox::release_held(std::int64_t id) {
    std::optional<HeldRow> row = held(id);
    if (!row) return std::nullopt;
    // Enqueued first: a crash in between leaves the report held as well, and releasing it again
    // finds its events already known. The row stays, marked released, so that the same report read
    // again (a second backfill of the mailbox) is recognised instead of held anew.
    EnqueueResult result = enqueue(row->report.events);
    std::lock_guard lock(impl_->write_mutex);
    sqlite::Statement s(impl_->worker, "UPDATE held SET reason = 'released' WHERE id = ?1");
    s.bind(1, id).run();
    return result;
}

std::size_t Outbox::purge_held(std::int64_t id, const std::string& reason) {
    std::lock_guard lock(impl_->write_mutex);
    sqlite::Statement s(impl_->worker, "DELETE FROM held WHERE reason <> 'released' AND (?1 = 0 OR id = ?1) "
                                       "AND (?2 = '' OR reason = ?2)");
    s.bind(1, id).bind(2, reason).run();
    return static_cast<std::size_t>(impl_->worker.changes());
}

std::uint64_t Outbox::duplicates_total() const { return impl_->duplicates.load(); }
std::uint64_t Outbox::inserted_total() const { return impl_->inserted.load(); }

}  // namespace forwarder

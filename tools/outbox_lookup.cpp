#include "tools/outbox_lookup.hpp"

#include "forwarder/sqlite_db.hpp"

namespace tools {

std::vector<forwarder::Delivery> deliveries_of(const std::string& outbox_path, std::int64_t event_id) {
    forwarder::sqlite::Connection db(outbox_path, 15000);
    forwarder::sqlite::Statement s(db,
                                   "SELECT d.sink, e.body, d.state, d.attempts, d.next_attempt_at, d.last_error, "
                                   "e.created, d.updated FROM deliveries d JOIN events e ON e.id = d.event_id "
                                   "WHERE d.event_id = ?1 ORDER BY d.sink");
    s.bind(1, event_id);
    std::vector<forwarder::Delivery> out;
    while (s.step()) {
        forwarder::Delivery d;
        d.event_id = event_id;
        d.sink = s.text(0);
        d.event = forwarder::event_from_storage_json(nlohmann::json::parse(s.text(1), nullptr, false));
        const std::string state = s.text(2);
        d.state = state == "delivered" ? forwarder::DeliveryState::delivered
                  : state == "dead"    ? forwarder::DeliveryState::dead
                                       : forwarder::DeliveryState::pending;
        d.attempts = static_cast<int>(s.int64(3));
        d.next_attempt_ms = s.int64(4);
        d.last_error = s.text(5);
        d.created_ms = s.int64(6);
        d.updated_ms = s.int64(7);
        out.push_back(std::move(d));
    }
    return out;
}

}  // namespace tools

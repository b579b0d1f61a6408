#include "forwarder/held_report.hpp"

namespace forwarder {

nlohmann::json to_storage_json(const HeldReport& held) {
    nlohmann::json events = nlohmann::json::array();
    for (const Event& e : held.events) events.push_back(to_storage_json(e));
    return {{"key", held.key},
            {"reason", held.reason},
            {"why", held.why},
            {"source", held.source},
            {"queue_id", held.queue_id},
            {"dsn_message_id", held.dsn_message_id},
            {"created_at", held.created_at},
            {"recipients", held.recipients},
            {"recipients_capped", held.recipients_capped},
            {"events", std::move(events)}};
}

HeldReport held_report_from_storage_json(const nlohmann::json& j) {
    HeldReport held;
    if (!j.is_object()) return held;
    held.key = stored_string(j, "key");
    held.reason = stored_string(j, "reason");
    held.why = stored_string(j, "why");
    held.source = stored_string(j, "source");
    held.queue_id = stored_string(j, "queue_id");
    held.dsn_message_id = stored_string(j, "dsn_message_id");
    held.created_at = stored_string(j, "created_at");
    if (auto it = j.find("recipients"); it != j.end() && it->is_number_unsigned()) held.recipients = it->get<std::size_t>();
    if (auto it = j.find("recipients_capped"); it != j.end() && it->is_boolean()) held.recipients_capped = it->get<bool>();
    if (auto it = j.find("events"); it != j.end() && it->is_array())
        for (const auto& e : *it) held.events.push_back(event_from_storage_json(e));
    return held;
}

}  // namespace forwarder

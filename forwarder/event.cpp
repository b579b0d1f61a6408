#include "forwarder/event.hpp"

#include "forwarder/validate.hpp"

#include "dsn/receivers.hpp"

namespace forwarder {
namespace {

std::string without_nul(const std::string& s) {
    if (s.find('\0') == std::string::npos) return s;
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        if (c != '\0') out.push_back(c);
    }
    return out;
}

// Postgres JSONB rejects \u0000 and listmonk then drops the bounce silently after its 200.
nlohmann::json strip_nul(const nlohmann::json& value) {
    if (value.is_string()) return without_nul(value.get_ref<const std::string&>());
    if (value.is_object()) {
        nlohmann::json out = nlohmann::json::object();
        for (const auto& [key, item] : value.items()) out[without_nul(key)] = strip_nul(item);
        return out;
    }
    if (value.is_array()) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& item : value) out.push_back(strip_nul(item));
        return out;
    }
    return value;
}

}  // namespace

std::string stored_string(const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string receiver_of(const Event& event) {
    if (const std::string named = stored_string(event.meta, "receiver"); !named.empty()) return named;
    return std::string(dsn::receivers::receiver_of(stored_string(event.meta, "remote_mta"), event.email,
                                                   stored_string(event.meta, "diagnostic")));
}

nlohmann::json listmonk_body(const Event& event) {
    nlohmann::json body = nlohmann::json::object();
    const std::string email = normalize_email(without_nul(event.email));
    const bool email_ok = is_bare_email(email);
    if (is_uuid(event.subscriber_uuid)) {
        body["subscriber_uuid"] = to_lower(event.subscriber_uuid);
        if (email_ok) body["email"] = email;
    } else if (email_ok) {
        body["email"] = email;
    }
    if (is_uuid(event.campaign_uuid)) body["campaign_uuid"] = to_lower(event.campaign_uuid);
    body["type"] = event.type;
    body["source"] = without_nul(event.source);
    if (!event.created_at.empty()) body["created_at"] = event.created_at;
    body["meta"] = event.meta.is_object() ? strip_nul(event.meta) : nlohmann::json::object();
    return body;
}

std::string dump_json(const nlohmann::json& value) {
    return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json to_storage_json(const Event& e) {
    return {{"idempotency_key", e.idempotency_key}, {"email", e.email},
            {"subscriber_uuid", e.subscriber_uuid}, {"campaign_uuid", e.campaign_uuid},
            {"type", e.type},   {"source", e.source},
            {"created_at", e.created_at},           {"meta", e.meta}};
}

Event event_from_storage_json(const nlohmann::json& j) {
    Event e;
    if (!j.is_object()) return e;
    e.idempotency_key = stored_string(j, "idempotency_key");
    e.email = stored_string(j, "email");
    e.subscriber_uuid = stored_string(j, "subscriber_uuid");
    e.campaign_uuid = stored_string(j, "campaign_uuid");
    e.type = stored_string(j, "type");
    e.source = stored_string(j, "source");
    e.created_at = stored_string(j, "created_at");
    auto meta = j.find("meta");
    if (meta != j.end() && meta->is_object()) e.meta = *meta;
    return e;
}

}  // namespace forwarder

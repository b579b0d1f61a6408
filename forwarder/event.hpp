// The normalized bounce event that every producer (milter, webhooks, backfill) writes to the outbox
// and every sink (listmonk, Redis, JSON Lines file) delivers.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace forwarder {

struct Event {
    // Stable across re-deliveries of the same bounce: the outbox ignores a second event with the same key.
    std::string idempotency_key;
    std::string email;            // lowercased bare addr-spec; may be empty when subscriber_uuid is set
    std::string subscriber_uuid;  // valid UUID or empty
    std::string campaign_uuid;    // valid UUID or empty
    std::string type;             // "hard" | "soft" | "complaint"
    std::string source;           // listmonk "source" (e.g. "bounce-milter", "ses")
    std::string created_at;       // RFC 3339 UTC
    nlohmann::json meta = nlohmann::json::object();  // status, reply_code, reason, diagnostic, ...
};

// The exact JSON object POSTed to listmonk's /webhooks/bounce (and written by the file sink).
// subscriber_uuid when valid (listmonk then looks up by UUID only; email is added too when it is a
// valid bare address, which is harmless), else the bare lowercased email; campaign_uuid only when
// valid (listmonk loses the whole bounce on a non-UUID); meta always an object, NUL characters removed.
nlohmann::json listmonk_body(const Event& event);

// The receiver family (dsn/receivers.hpp) the event's meta names, or, for an event written without
// one (older versions, outboxes being migrated), the family its remote MTA, address and reply show.
std::string receiver_of(const Event& event);

// Serializes JSON for the wire or disk; invalid UTF-8 from remote diagnostics is replaced, never thrown.
std::string dump_json(const nlohmann::json& value);

// The outbox's stored form: every field, so a stored event reads back identical.
nlohmann::json to_storage_json(const Event& event);
// A stored object's string member, or "" when it is absent or not a string (stored rows are read
// defensively: an outbox from another version or a hand edit must not throw in a delivery worker).
std::string stored_string(const nlohmann::json& object, const char* key);
Event event_from_storage_json(const nlohmann::json& stored);

}  // namespace forwarder

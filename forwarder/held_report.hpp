// A report whose events are kept in the outbox but never handed to a sink: anyone can mail the bounce
// address, and listmonk blocklists on the first hard bounce or complaint, so what the list itself did
// not send (no subscriber UUID) or no genuine report looks like (too many recipients) waits for a human.
#pragma once

#include "forwarder/event.hpp"

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace forwarder {

struct HeldReport {
    std::string key;     // one per report and reason: the same report held twice is stored once
    std::string reason;  // "unattributed" (no subscriber UUID) | "suspect" (more events than one report has)
    std::string why;     // one human-readable line
    std::string source;
    std::string queue_id;
    std::string dsn_message_id;
    std::string created_at;                // RFC 3339 UTC
    std::size_t recipients = 0;            // events the report named (at least this many when capped)
    bool recipients_capped = false;        // the parser stopped reading recipients
    std::vector<Event> events;             // what would have been forwarded (the first ones read)
};

// One held report as the outbox returns it.
struct HeldRow {
    std::int64_t id = 0;
    std::int64_t created_ms = 0;
    HeldReport report;
};

nlohmann::json to_storage_json(const HeldReport& held);
HeldReport held_report_from_storage_json(const nlohmann::json& stored);

}  // namespace forwarder

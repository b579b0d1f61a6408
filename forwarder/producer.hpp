// Turns a parsed bounce report into outbox events: policy (delayed, feedback that is no complaint,
// reason overrides), VERP identification, idempotency keys and the meta object. Which of them may be
// forwarded is attribution.hpp's decision.
#pragma once

#include "dsn/report.hpp"
#include "forwarder/event.hpp"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace forwarder {

struct ProducerContext {
    std::vector<std::string> envelope_recipients;  // RCPT TO of the bounce message (VERP tokens live here)
    std::string verp_template;                     // e.g. "bounces+{subscriber_uuid}@lists.example.com"
    bool forward_delayed = false;                  // action=delayed is dropped unless true
    bool forward_without_uuid = false;             // see attribution.hpp
    std::size_t max_events_per_report = 5;         // see attribution.hpp
    std::map<std::string, std::string> reason_types;  // reason -> hard|soft|complaint overrides
    std::string source = "bounce-milter";
    std::string queue_id;                          // MTA queue id, into meta
    std::string_view message;                      // raw bytes: key fallback when no Message-ID is known
    std::chrono::system_clock::time_point received = std::chrono::system_clock::now();
};

// Events of one report the producer chose not to forward, and why (for the one log line per bounce).
struct SkippedEvent {
    std::string recipient;
    std::string why;
};

struct VerpIds {
    std::string subscriber_uuid;
    std::string campaign_uuid;
};

// Matches `address` (case-insensitive, <> stripped) against the template and extracts the UUIDs its
// placeholders stand for; nullopt when it does not match or a token is not UUID-shaped.
std::optional<VerpIds> match_verp(const std::string& verp_template, std::string_view address);

// SHA-256 hex of (original Message-ID, else "dsn:"+the report's Message-ID, else "sha256:"+hash of the
// message bytes) + lowercased recipient + action.
std::string idempotency_key(const std::string& original_message_id, const std::string& dsn_message_id,
                            std::string_view message, const std::string& recipient, const std::string& action);

std::vector<Event> events_from_report(const dsn::Report& report, const ProducerContext& context,
                                      std::vector<SkippedEvent>* skipped = nullptr);

}  // namespace forwarder

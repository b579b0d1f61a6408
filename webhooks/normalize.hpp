// Turning one provider event into the normalized forwarder::Event, the same shape the milter emits.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "forwarder/event.hpp"

namespace webhooks {

// SMTP details derivable from a provider's diagnostic text ("smtp; 550 5.1.1 user unknown").
struct Diagnostics {
    std::string status;    // enhanced status code, e.g. "5.1.1"
    int reply_code = 0;    // basic SMTP reply code, e.g. 550
    std::string reason;    // short classification, e.g. "suppressed" or the provider's category
    std::string diagnostic;  // the provider's text
};

// Finds the first enhanced status code and a leading reply code in free text.
Diagnostics diagnostics_from_text(std::string_view text);

struct EventFields {
    std::string_view source;      // provider name
    std::string_view recipient;   // raw; reduced to a bare lowercased addr-spec
    std::string_view type;        // hard | soft | complaint
    std::string idempotency_key;  // provider-scoped; prefixed with the source
    std::string created_at;       // RFC 3339 UTC; now when empty
    std::string_view campaign;    // kept only when UUID-shaped
    std::string_view subscriber;  // kept only when UUID-shaped
    nlohmann::json payload;       // the provider's JSON object for this event
    Diagnostics diagnostics;
};

// nullopt when the recipient is not a usable address (listmonk would refuse it).
std::optional<forwarder::Event> make_event(EventFields fields, std::int64_t now);

}  // namespace webhooks

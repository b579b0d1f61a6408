// Brevo (Sendinblue) transactional webhooks (providers.md §7): Bearer token; one event per request
// (or an array when batching is on).
#include "webhooks/credentials.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"

namespace webhooks::providers {

namespace {

std::string type_for(const std::string& event) {
    if (event == "hard_bounce" || event == "invalid_email") return "hard";
    if (event == "soft_bounce") return "soft";
    if (event == "spam" || event == "complaint") return "complaint";
    return std::string();  // blocked, deferred, opens, clicks, ...
}

class BrevoProvider final : public Provider {
public:
    BrevoProvider(const conf::ProviderConfig& config, const Services& services)
        : token_(config.token), campaign_field_(config.campaign_field), services_(services) {
        if (token_.empty()) throw ProviderConfigError("[hooks.brevo] needs token (the webhook's bearer token)");
    }

    Outcome handle(const Request& request) override {
        if (auto denied = check_bearer_token(request, token_)) return std::move(*denied);
        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error);
        if (!body->is_object() && !body->is_array()) return Outcome::bad_request("Brevo payload is not JSON object/array");
        const nlohmann::json items = body->is_array() ? *body : nlohmann::json::array({*body});
        const std::int64_t now = services_.clock();
        std::vector<forwarder::Event> events;
        std::size_t refused = 0;  // events whose address listmonk would not take
        for (const auto& item : items) {
            if (!item.is_object()) continue;
            const std::string kind = string_field(item, "event");
            const std::string type = type_for(kind);
            if (type.empty()) continue;
            Diagnostics d = diagnostics_from_text(string_field(item, "reason"));
            d.reason = kind;
            const std::string custom = string_field(item, "X-Mailin-custom");
            const auto millis = number_field(item, "ts_epoch");
            const auto seconds = number_field(item, "ts");
            std::optional<std::int64_t> when;
            if (millis) when = unix_seconds_from_number(*millis / 1000);
            else if (seconds) when = unix_seconds_from_number(*seconds);
            const std::string created_at = when ? rfc3339_utc(*when) : "";
            auto event = make_event({.source = "brevo",
                                     .recipient = string_field(item, "email"),
                                     .type = type,
                                     .idempotency_key = string_field(item, "message-id") + ":" + kind + ":" +
                                                        lowercase(string_field(item, "email")),
                                     .created_at = created_at,
                                     .campaign = custom_value(custom, campaign_field_, "campaign_uuid", true),
                                     .subscriber = custom_value(custom, "X-Listmonk-Subscriber", "subscriber_uuid", false),
                                     .payload = item,
                                     .diagnostics = std::move(d)},
                                    now);
            if (event) events.push_back(std::move(*event));
            else ++refused;
        }
        return Outcome::of_batch(std::move(events), refused, "no bounce or complaint events");
    }

private:
    std::string token_, campaign_field_;
    Services services_;
};

}  // namespace

std::unique_ptr<Provider> make_brevo(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<BrevoProvider>(config, services);
}

}  // namespace webhooks::providers

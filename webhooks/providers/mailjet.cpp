// Mailjet event callbacks (providers.md §6): Basic credentials in the callback URL; one event or a
// grouped array.
#include "webhooks/credentials.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"

namespace webhooks::providers {

namespace {

class MailjetProvider final : public Provider {
public:
    MailjetProvider(const conf::ProviderConfig& config, const Services& services)
        : username_(config.username), password_(config.password), campaign_field_(config.campaign_field),
          services_(services) {
        if (username_.empty() || password_.empty())
            throw ProviderConfigError("[hooks.mailjet] needs username and password (Basic auth in the callback URL)");
    }

    Outcome handle(const Request& request) override {
        if (auto denied = check_basic_auth(request, username_, password_)) return std::move(*denied);
        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error);
        if (!body->is_object() && !body->is_array()) return Outcome::bad_request("Mailjet payload is not JSON object/array");
        const nlohmann::json items = body->is_array() ? *body : nlohmann::json::array({*body});
        const std::int64_t now = services_.clock();
        std::vector<forwarder::Event> events;
        std::size_t refused = 0;  // events whose address listmonk would not take
        for (const auto& item : items) {
            if (!item.is_object()) continue;
            const std::string kind = string_field(item, "event");
            std::string type;
            if (kind == "bounce") {
                if (bool_field(item, "hard_bounce")) type = "hard";
                else if (lowercase(string_field(item, "error")) != "greylisted") type = "soft";
            } else if (kind == "spam") {
                type = "complaint";
            }
            if (type.empty()) continue;  // blocked (never sent), greylisting, opens, clicks, ...
            Diagnostics d = diagnostics_from_text(string_field(item, "comment"));
            d.reason = string_field(item, "error");
            std::string campaign = custom_value(string_field(item, "Payload"), campaign_field_, "campaign_uuid", true);
            if (campaign.empty()) campaign = custom_value(string_field(item, "CustomID"), campaign_field_, "campaign_uuid", true);
            const std::string subscriber =
                custom_value(string_field(item, "Payload"), "X-Listmonk-Subscriber", "subscriber_uuid", false);
            const auto timestamp = number_field(item, "time");
            const auto when = timestamp ? unix_seconds_from_number(*timestamp) : std::nullopt;
            auto event = make_event({.source = "mailjet",
                                     .recipient = string_field(item, "email"),
                                     .type = type,
                                     .idempotency_key = string_field(item, "MessageID") + ":" + kind + ":" +
                                                        string_field(item, "time") + ":" + string_field(item, "email"),
                                     .created_at = when ? rfc3339_utc(*when) : "",
                                     .campaign = campaign,
                                     .subscriber = subscriber,
                                     .payload = item,
                                     .diagnostics = std::move(d)},
                                    now);
            if (event) events.push_back(std::move(*event));
            else ++refused;
        }
        return Outcome::of_batch(std::move(events), refused, "no bounce or spam events");
    }

private:
    std::string username_, password_, campaign_field_;
    Services services_;
};

}  // namespace

std::unique_ptr<Provider> make_mailjet(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<MailjetProvider>(config, services);
}

}  // namespace webhooks::providers

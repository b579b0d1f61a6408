// SparkPost event webhooks (providers.md §5): Basic auth; batches of {"msys":{"<class>":{...}}}.
#include "webhooks/credentials.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"

namespace webhooks::providers {

namespace {

// SparkPost bounce_class -> listmonk type; empty = ignore. 25 (admin failure) is mostly SparkPost's
// own suppression list re-dropping a known-bad address, recorded as hard like other suppressions.
std::string type_for_bounce_class(int c) {
    if (c == 10 || c == 25 || c == 30 || c == 90) return "hard";
    if (c == 80) return std::string();
    return "soft";  // 1, 20-24, 40, 50-54, 60, 70, 100 and anything new
}

class SparkpostProvider final : public Provider {
public:
    SparkpostProvider(const conf::ProviderConfig& config, const Services& services)
        : username_(config.username), password_(config.password), campaign_field_(config.campaign_field),
          services_(services) {
        if (username_.empty() || password_.empty())
            throw ProviderConfigError("[hooks.sparkpost] needs username and password (the webhook's Basic auth)");
    }

    Outcome handle(const Request& request) override {
        if (auto denied = check_basic_auth(request, username_, password_)) return std::move(*denied);
        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error);
        if (!body->is_array()) return Outcome::bad_request("SparkPost payload is not a JSON array");
        const std::int64_t now = services_.clock();
        std::vector<forwarder::Event> events;
        for (const auto& item : *body) {
            const nlohmann::json* msys = item.is_object() ? object_field(item, "msys") : nullptr;
            if (msys == nullptr) continue;
            for (const auto& [event_class, event] : msys->items()) {
                if (!event.is_object()) continue;
                (void)event_class;
                const std::string kind = string_field(event, "type");
                std::string type;
                Diagnostics d = diagnostics_from_text(string_field(event, "raw_reason"));
                if (kind == "bounce" || kind == "out_of_band") {
                    const auto bounce_class = int_field(event, "bounce_class");
                    type = type_for_bounce_class(bounce_class.value_or(0));
                    d.reason = "bounce_class " + string_field(event, "bounce_class");
                } else if (kind == "spam_complaint") {
                    type = "complaint";
                    d.reason = string_field(event, "fbtype");
                }
                if (type.empty()) continue;
                if (const auto code = int_field(event, "error_code")) d.reply_code = *code;
                std::string key = string_field(event, "event_id");
                if (key.empty()) continue;  // cannot deduplicate retries without it
                std::string campaign, subscriber;
                if (const nlohmann::json* meta = object_field(event, "rcpt_meta")) {
                    campaign = header_value(*meta, campaign_field_);
                    subscriber = header_value(*meta, "X-Listmonk-Subscriber");
                }
                std::string recipient = string_field(event, "rcpt_to");
                if (recipient.empty()) recipient = string_field(event, "raw_rcpt_to");
                const auto timestamp = number_field(event, "timestamp");
                const auto when = timestamp ? unix_seconds_from_number(*timestamp) : std::nullopt;
                auto normalized = make_event({.source = "sparkpost",
                                              .recipient = recipient,
                                              .type = type,
                                              .idempotency_key = key,
                                              .created_at = when ? rfc3339_utc(*when) : "",
                                              .campaign = campaign,
                                              .subscriber = subscriber,
                                              .payload = event,
                                              .diagnostics = std::move(d)},
                                             now);
                if (normalized) events.push_back(std::move(*normalized));
            }
        }
        if (events.empty()) return Outcome::ignored("no bounce or complaint events");
        return Outcome::accepted(std::move(events));
    }

private:
    std::string username_, password_, campaign_field_;
    Services services_;
};

}  // namespace

std::unique_ptr<Provider> make_sparkpost(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<SparkpostProvider>(config, services);
}

}  // namespace webhooks::providers

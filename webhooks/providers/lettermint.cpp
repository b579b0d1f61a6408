// Lettermint webhooks (providers.md §11): "t=<unix>,v1=<hex>" over "<t>." ‖ raw body, ±max_age_seconds.
#include "webhooks/encoding.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/mac.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"

namespace webhooks::providers {

namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    return s;
}

class LettermintProvider final : public Provider {
public:
    LettermintProvider(const conf::ProviderConfig& config, const Services& services)
        : key_(config.key), max_age_(config.max_age_seconds), campaign_field_(config.campaign_field),
          services_(services) {
        if (key_.empty()) throw ProviderConfigError("[hooks.lettermint] needs key (the webhook signing secret)");
        if (max_age_ <= 0) throw ProviderConfigError("[hooks.lettermint] max_age_seconds must be positive");
    }

    Outcome handle(const Request& request) override {
        const std::string* header = request.header("X-Lettermint-Signature");
        if (header == nullptr) return Outcome::forbidden("missing X-Lettermint-Signature");
        std::string_view t, v1;
        std::string_view rest = *header;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            const std::string_view part = trim(rest.substr(0, comma));
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
            if (part.starts_with("t=")) t = part.substr(2);
            else if (part.starts_with("v1=")) v1 = part.substr(3);
        }
        const auto ts = parse_unix_seconds(t);
        const auto presented = hex_decode(v1);
        if (!ts || !presented || presented->empty()) return Outcome::forbidden("malformed X-Lettermint-Signature");
        const std::int64_t now = services_.clock();
        if (*ts < now - max_age_ || *ts > now + max_age_) return Outcome::forbidden("stale or future timestamp");
        std::string signed_data(t);
        signed_data += '.';
        signed_data.append(request.body);
        if (!bytes_equal(hmac_sha256(key_, signed_data), *presented)) return Outcome::forbidden("signature does not verify");

        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error);
        if (!body->is_object()) return Outcome::bad_request("Lettermint payload is not a JSON object");
        const std::string kind = string_field(*body, "event");
        std::string type;
        if (kind == "message.hard_bounced") type = "hard";
        else if (kind == "message.soft_bounced") type = "soft";
        else if (kind == "message.spam_complaint") type = "complaint";
        else return Outcome::ignored("event " + kind);
        const nlohmann::json* data = object_field(*body, "data");
        if (data == nullptr) return Outcome::bad_request("Lettermint event without data");
        const std::string id = string_field(*body, "id");
        if (id.empty()) return Outcome::bad_request("Lettermint event without id");

        Diagnostics d;
        if (const nlohmann::json* response = object_field(*data, "response")) {
            d = diagnostics_from_text(string_field(*response, "content"));
            if (const std::string s = string_field(*response, "enhanced_status_code"); !s.empty()) d.status = s;
            if (const auto code = int_field(*response, "status_code")) d.reply_code = *code;
        }
        d.reason = kind.substr(kind.find('.') + 1);
        std::string campaign, subscriber;
        if (const nlohmann::json* headers = array_field(*data, "headers")) {
            campaign = header_value(*headers, campaign_field_);
            subscriber = header_value(*headers, "X-Listmonk-Subscriber");
        }
        if (const nlohmann::json* metadata = object_field(*data, "metadata")) {
            if (campaign.empty()) campaign = header_value(*metadata, campaign_field_);
            if (subscriber.empty()) subscriber = header_value(*metadata, "X-Listmonk-Subscriber");
        }
        const auto when = parse_rfc3339(string_field(*body, "timestamp"));
        auto event = make_event({.source = "lettermint",
                                 .recipient = string_field(*data, "recipient"),
                                 .type = type,
                                 .idempotency_key = id,
                                 .created_at = when ? rfc3339_utc(*when) : "",
                                 .campaign = campaign,
                                 .subscriber = subscriber,
                                 .payload = *body,
                                 .diagnostics = std::move(d)},
                                now);
        if (!event) return Outcome::bad_request("Lettermint event without a valid recipient");
        return Outcome::accepted({std::move(*event)});
    }

private:
    std::string key_;
    std::int64_t max_age_;
    std::string campaign_field_;
    Services services_;
};

}  // namespace

std::unique_ptr<Provider> make_lettermint(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<LettermintProvider>(config, services);
}

}  // namespace webhooks::providers

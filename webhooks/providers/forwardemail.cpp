// Forward Email bounce webhooks (providers.md §10): hex HMAC-SHA256 of the raw body; every POST is a bounce.
#include "webhooks/encoding.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/mac.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"

namespace webhooks::providers {

namespace {

class ForwardemailProvider final : public Provider {
public:
    ForwardemailProvider(const conf::ProviderConfig& config, const Services& services)
        : key_(config.key), campaign_field_(config.campaign_field), services_(services) {
        if (key_.empty()) throw ProviderConfigError("[hooks.forwardemail] needs key (the webhook signature key)");
    }

    Outcome handle(const Request& request) override {
        const std::string* signature = request.header("X-Webhook-Signature");
        if (signature == nullptr) return Outcome::forbidden("missing X-Webhook-Signature");
        const auto presented = hex_decode(*signature);
        if (!presented || !bytes_equal(hmac_sha256(key_, request.body), *presented))
            return Outcome::forbidden("signature does not verify");

        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error);
        if (!body->is_object()) return Outcome::bad_request("Forward Email payload is not a JSON object");
        const nlohmann::json* bounce = object_field(*body, "bounce");
        static const nlohmann::json empty = nlohmann::json::object();
        if (bounce == nullptr) bounce = &empty;
        const std::string category = lowercase(string_field(*bounce, "category"));
        const bool hard = category == "block" || category == "recipient" || category == "virus" || category == "spam";
        Diagnostics d = diagnostics_from_text(string_field(*bounce, "message"));
        if (const std::string status = string_field(*bounce, "status"); !status.empty() && status.find('.') != std::string::npos)
            d.status = status;
        if (const auto code = int_field(*bounce, "code")) d.reply_code = *code;
        else if (const auto code2 = int_field(*body, "response_code")) d.reply_code = *code2;
        d.reason = category;
        std::string campaign, subscriber;
        if (const nlohmann::json* headers = object_field(*body, "headers")) {
            campaign = header_value(*headers, campaign_field_);
            subscriber = header_value(*headers, "X-Listmonk-Subscriber");
        }
        const std::string recipient = string_field(*body, "recipient");
        std::string email_id = string_field(*body, "email_id");
        // Without an email id the body itself is the identity: a retry carries the same bytes.
        const std::string key = email_id.empty() ? hex_encode(sha256(request.body)) : email_id + ":" + lowercase(recipient);
        const auto when = parse_rfc3339(string_field(*body, "bounced_at"));
        auto event = make_event({.source = "forwardemail",
                                 .recipient = recipient,
                                 .type = hard ? "hard" : "soft",
                                 .idempotency_key = key,
                                 .created_at = when ? rfc3339_utc(*when) : "",
                                 .campaign = campaign,
                                 .subscriber = subscriber,
                                 .payload = *body,
                                 .diagnostics = std::move(d)},
                                services_.clock());
        if (!event) return Outcome::bad_request("Forward Email bounce without a valid recipient");
        return Outcome::accepted({std::move(*event)});
    }

private:
    std::string key_, campaign_field_;
    Services services_;
};

}  // namespace

std::unique_ptr<Provider> make_forwardemail(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<ForwardemailProvider>(config, services);
}

}  // namespace webhooks::providers

// SendGrid Signed Event Webhook (providers.md §2): ECDSA P-256 over timestamp ‖ raw body, batches of events.
#include "webhooks/encoding.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"
#include "webhooks/public_key.hpp"

namespace webhooks::providers {

namespace {

// Classifications SendGrid uses for failures that may clear up (compared case-insensitively; SendGrid
// sends them in title case).
bool soft_classification(const std::string& classification) {
    const std::string c = lowercase(classification);
    return c == "technical failure" || c == "content" || c == "reputation" || c == "frequency or volume too high" ||
           c == "unclassified";
}

class SendgridProvider final : public Provider {
public:
    SendgridProvider(const conf::ProviderConfig& config, const Services& services)
        : services_(services), max_age_(config.max_age_seconds), campaign_field_(config.campaign_field) {
        if (config.public_key.empty()) throw ProviderConfigError("[hooks.sendgrid] needs public_key");
        std::string error;
        key_ = PublicKey::from_p256_spki_base64(config.public_key, error);
        if (!key_) throw ProviderConfigError("[hooks.sendgrid] public_key: " + error);
    }

    Outcome handle(const Request& request) override {
        const std::string* signature_b64 = request.header("X-Twilio-Email-Event-Webhook-Signature");
        const std::string* timestamp = request.header("X-Twilio-Email-Event-Webhook-Timestamp");
        if (signature_b64 == nullptr || timestamp == nullptr) return Outcome::forbidden("missing signature headers");
        const auto signature = base64_decode(*signature_b64);
        if (!signature) return Outcome::forbidden("signature is not base64");
        std::string signed_data = *timestamp;
        signed_data.append(request.body);
        if (!key_->verify(Digest::sha256, signed_data, *signature))
            return Outcome::forbidden("signature does not verify");
        // Checked after the signature so a forged timestamp cannot be told apart from a stale one.
        const auto ts = parse_unix_seconds(*timestamp);
        const std::int64_t now = services_.clock();
        if (!ts || *ts < now - max_age_ || *ts > now + max_age_) return Outcome::forbidden("stale or future timestamp");

        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error);
        if (!body->is_array()) return Outcome::bad_request("SendGrid payload is not a JSON array");

        std::vector<forwarder::Event> events;
        std::size_t refused = 0;  // events whose address listmonk would not take
        for (const auto& item : *body) {
            if (!item.is_object()) continue;
            const std::string kind = string_field(item, "event");
            std::string type;
            Diagnostics d = diagnostics_from_text(string_field(item, "reason"));
            if (const std::string status = string_field(item, "status"); !status.empty()) d.status = status;
            if (kind == "bounce") {
                const std::string classification = string_field(item, "bounce_classification");
                d.reason = classification;
                if (string_field(item, "type") == "blocked") type = "soft";
                else if (d.status.starts_with("4")) type = "soft";
                else if (soft_classification(classification)) type = "soft";
                else type = "hard";
            } else if (kind == "spamreport") {
                type = "complaint";
            } else {
                continue;  // dropped (suppression re-drop), deferred, delivered, opens, clicks: not bounces
            }
            std::string key = string_field(item, "sg_event_id");
            if (key.empty()) {
                key = string_field(item, "sg_message_id") + ":" + kind + ":" + string_field(item, "email") + ":" +
                      string_field(item, "timestamp");
            }
            std::string campaign = string_field(item, campaign_field_);
            if (campaign.empty()) campaign = string_field(item, "XListmonkCampaign");
            std::string subscriber = string_field(item, "X-Listmonk-Subscriber");
            if (subscriber.empty()) subscriber = string_field(item, "XListmonkSubscriber");
            const auto timestamp = number_field(item, "timestamp");
            const auto when = timestamp ? unix_seconds_from_number(*timestamp) : std::nullopt;
            auto event = make_event({.source = "sendgrid",
                                     .recipient = string_field(item, "email"),
                                     .type = type,
                                     .idempotency_key = key,
                                     .created_at = when ? rfc3339_utc(*when) : "",
                                     .campaign = campaign,
                                     .subscriber = subscriber,
                                     .payload = item,
                                     .diagnostics = std::move(d)},
                                    now);
            if (event) events.push_back(std::move(*event));
            else ++refused;
        }
        return Outcome::of_batch(std::move(events), refused, "no bounce or spam report events");
    }

private:
    Services services_;
    std::int64_t max_age_;
    std::string campaign_field_;
    std::shared_ptr<const PublicKey> key_;
};

}  // namespace

std::unique_ptr<Provider> make_sendgrid(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<SendgridProvider>(config, services);
}

}  // namespace webhooks::providers

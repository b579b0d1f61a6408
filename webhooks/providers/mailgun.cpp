// Mailgun webhooks (providers.md §4): HMAC-SHA256(signing key, timestamp ‖ token) inside the JSON body,
// a freshness window, and single-use tokens.
#include "webhooks/encoding.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/mac.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"

namespace webhooks::providers {

namespace {

class MailgunProvider final : public Provider {
public:
    MailgunProvider(const conf::ProviderConfig& config, const Services& services)
        : key_(config.signing_key), max_age_(config.max_age_seconds), campaign_field_(config.campaign_field),
          services_(services) {
        if (key_.empty()) throw ProviderConfigError("[hooks.mailgun] needs signing_key (the HTTP webhook signing key)");
        if (max_age_ <= 0) throw ProviderConfigError("[hooks.mailgun] max_age_seconds must be positive");
    }

    Outcome handle(const Request& request) override {
        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error + " (legacy form-encoded Mailgun webhooks are not supported)");
        if (!body->is_object()) return Outcome::bad_request("Mailgun payload is not a JSON object");
        const nlohmann::json* signature = object_field(*body, "signature");
        if (signature == nullptr) return Outcome::forbidden("missing signature block");
        const std::string timestamp = string_field(*signature, "timestamp");
        const std::string token = string_field(*signature, "token");
        const auto presented = hex_decode(string_field(*signature, "signature"));
        if (timestamp.empty() || token.empty() || !presented) return Outcome::forbidden("incomplete signature block");
        if (!bytes_equal(hmac_sha256(key_, timestamp + token), *presented))
            return Outcome::forbidden("signature does not verify");
        const auto ts = parse_unix_seconds(timestamp);
        const std::int64_t now = services_.clock();
        if (!ts || *ts < now - max_age_ || *ts > now + max_age_) return Outcome::forbidden("stale or future timestamp");
        // Claimed now, before anything else can fail: a verified block must not be reusable with another body.
        switch (replays_.claim(token, sha256(request.body), *ts + max_age_, now)) {
            case ReplayCache::Claim::fresh:
            case ReplayCache::Claim::retry: break;
            case ReplayCache::Claim::used: return Outcome::forbidden("token already used");
            case ReplayCache::Claim::other_body: return Outcome::forbidden("token already used with another body");
        }

        const nlohmann::json* data = object_field(*body, "event-data");
        if (data == nullptr) return Outcome::bad_request("Mailgun payload without event-data");
        const std::string kind = string_field(*data, "event");
        std::string type;
        if (kind == "failed") {
            const std::string severity = string_field(*data, "severity");
            type = severity == "permanent" ? "hard" : "soft";
        } else if (kind == "complained") {
            type = "complaint";
        } else {
            return Outcome::ignored("event " + kind);
        }
        Diagnostics d;
        if (const nlohmann::json* status = object_field(*data, "delivery-status")) {
            d = diagnostics_from_text(string_field(*status, "message"));
            if (d.diagnostic.empty()) d = diagnostics_from_text(string_field(*status, "description"));
            if (const auto code = int_field(*status, "code")) d.reply_code = *code;
        }
        d.reason = string_field(*data, "reason");
        std::string campaign, subscriber;
        if (const nlohmann::json* vars = object_field(*data, "user-variables")) {
            campaign = header_value(*vars, campaign_field_);
            subscriber = header_value(*vars, "X-Listmonk-Subscriber");
        }
        if (campaign.empty()) {
            if (const nlohmann::json* message = object_field(*data, "message")) {
                if (const nlohmann::json* headers = object_field(*message, "headers"))
                    campaign = header_value(*headers, "X-Listmonk-Campaign");
            }
        }
        const auto event_time = number_field(*data, "timestamp");
        const auto when = event_time ? unix_seconds_from_number(*event_time) : std::nullopt;
        auto event = make_event({.source = "mailgun",
                                 .recipient = string_field(*data, "recipient"),
                                 .type = type,
                                 .idempotency_key = token,
                                 .created_at = when ? rfc3339_utc(*when) : "",
                                 .campaign = campaign,
                                 .subscriber = subscriber,
                                 .payload = *data,
                                 .diagnostics = std::move(d)},
                                now);
        if (!event) return Outcome::bad_request("Mailgun event without a valid recipient");
        Outcome outcome = Outcome::accepted({std::move(*event)});
        // Until stored, the identical body may come again: Mailgun's own retry after a 503 is no replay.
        outcome.on_committed = [this, token] { replays_.mark_stored(token); };
        return outcome;
    }

private:
    std::string key_;
    std::int64_t max_age_;
    std::string campaign_field_;
    Services services_;
    ReplayCache replays_;
};

}  // namespace

std::unique_ptr<Provider> make_mailgun(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<MailgunProvider>(config, services);
}

}  // namespace webhooks::providers

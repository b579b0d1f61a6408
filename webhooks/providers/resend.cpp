// Resend webhooks signed the Svix / Standard Webhooks way (providers.md §9).
#include "webhooks/address.hpp"
#include "webhooks/encoding.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/mac.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"

namespace webhooks::providers {

namespace {

const std::string* svix_header(const Request& request, const std::string& suffix) {
    if (const std::string* v = request.header("svix-" + suffix)) return v;
    return request.header("webhook-" + suffix);
}

class ResendProvider final : public Provider {
public:
    ResendProvider(const conf::ProviderConfig& config, const Services& services)
        : max_age_(config.max_age_seconds), campaign_field_(config.campaign_field), services_(services) {
        std::string_view secret = config.secret;
        if (secret.empty()) throw ProviderConfigError("[hooks.resend] needs secret (the whsec_... signing secret)");
        if (secret.starts_with("whsec_")) secret.remove_prefix(6);
        auto key = base64_decode(secret);
        if (!key || key->empty()) throw ProviderConfigError("[hooks.resend] secret is not whsec_<base64>");
        key_ = std::move(*key);
        if (max_age_ <= 0) throw ProviderConfigError("[hooks.resend] max_age_seconds must be positive");
    }

    Outcome handle(const Request& request) override {
        const std::string* id = svix_header(request, "id");
        const std::string* timestamp = svix_header(request, "timestamp");
        const std::string* signatures = svix_header(request, "signature");
        if (id == nullptr || timestamp == nullptr || signatures == nullptr)
            return Outcome::forbidden("missing svix-id/-timestamp/-signature");
        const auto ts = parse_unix_seconds(*timestamp);
        const std::int64_t now = services_.clock();
        if (!ts || *ts < now - max_age_ || *ts > now + max_age_) return Outcome::forbidden("stale or future timestamp");
        std::string signed_data = *id + "." + *timestamp + ".";
        signed_data.append(request.body);
        const std::string expected = hmac_sha256(key_, signed_data);
        bool verified = false;
        std::string_view list = *signatures;
        while (!list.empty()) {
            const auto space = list.find(' ');
            const std::string_view entry = list.substr(0, space);
            list = space == std::string_view::npos ? std::string_view() : list.substr(space + 1);
            if (!entry.starts_with("v1,")) continue;
            const auto presented = base64_decode(entry.substr(3));
            verified |= presented && bytes_equal(expected, *presented);
        }
        if (!verified) return Outcome::forbidden("no v1 signature verifies");

        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error);
        if (!body->is_object()) return Outcome::bad_request("Resend payload is not a JSON object");
        const std::string kind = string_field(*body, "type");
        const nlohmann::json* data = object_field(*body, "data");
        std::string type;
        Diagnostics d;
        if (kind == "email.bounced") {
            const nlohmann::json* bounce = data != nullptr ? object_field(*data, "bounce") : nullptr;
            const std::string bounce_type = bounce != nullptr ? string_field(*bounce, "type") : "";
            type = bounce_type == "Permanent" ? "hard" : "soft";
            if (bounce != nullptr) {
                d = diagnostics_from_text(string_field(*bounce, "message"));
                d.reason = string_field(*bounce, "subType");
            }
        } else if (kind == "email.complained") {
            type = "complaint";
        } else {
            return Outcome::ignored("event " + kind);
        }
        if (data == nullptr) return Outcome::bad_request("Resend event without data");
        std::string campaign, subscriber;
        if (const nlohmann::json* headers = array_field(*data, "headers")) {
            campaign = header_value(*headers, campaign_field_);
            subscriber = header_value(*headers, "X-Listmonk-Subscriber");
        }
        const auto when = parse_rfc3339(string_field(*body, "created_at"));
        // Resend does not say which recipient bounced: every "to" address is affected.
        std::vector<std::string> recipients;
        if (const nlohmann::json* to = array_field(*data, "to")) {
            for (const auto& r : *to) {
                if (r.is_string()) recipients.push_back(r.get<std::string>());
            }
        } else if (const std::string single = string_field(*data, "to"); !single.empty()) {
            recipients.push_back(single);
        }
        std::vector<forwarder::Event> events;
        for (const auto& recipient : recipients) {
            auto event = make_event({.source = "resend",
                                     .recipient = recipient,
                                     .type = type,
                                     .idempotency_key = *id + ":" + bare_address(recipient).value_or(lowercase(recipient)),
                                     .created_at = when ? rfc3339_utc(*when) : "",
                                     .campaign = campaign,
                                     .subscriber = subscriber,
                                     .payload = *data,
                                     .diagnostics = d},
                                    now);
            if (event) events.push_back(std::move(*event));
        }
        if (events.empty()) return Outcome::bad_request("Resend event without a valid recipient");
        return Outcome::accepted(std::move(events));
    }

private:
    std::string key_;
    std::int64_t max_age_;
    std::string campaign_field_;
    Services services_;
};

}  // namespace

std::unique_ptr<Provider> make_resend(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<ResendProvider>(config, services);
}

}  // namespace webhooks::providers

// Mandrill (Mailchimp Transactional) webhooks (providers.md §8): form-encoded mandrill_events, signed with
// HMAC-SHA1 over the configured webhook URL followed by the sorted POST parameters.
#include <algorithm>
#include <utility>

#include "webhooks/encoding.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/mac.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"

namespace webhooks::providers {

namespace {

std::string type_for(const std::string& event) {
    if (event == "hard_bounce") return "hard";
    if (event == "soft_bounce") return "soft";
    if (event == "spam") return "complaint";
    return std::string();  // reject, deferral, opens, clicks, ...
}

class MandrillProvider final : public Provider {
public:
    MandrillProvider(const conf::ProviderConfig& config, const Services& services)
        : key_(config.key), url_(config.url), campaign_field_(config.campaign_field), services_(services) {
        if (key_.empty()) throw ProviderConfigError("[hooks.mandrill] needs key (the webhook's signing key)");
        if (url_.empty())
            throw ProviderConfigError("[hooks.mandrill] needs url (the webhook URL exactly as entered at Mandrill)");
    }

    bool answers_head() const override { return true; }

    Outcome handle(const Request& request) override {
        const std::string* presented_b64 = request.header("X-Mandrill-Signature");
        if (presented_b64 == nullptr) return Outcome::forbidden("missing X-Mandrill-Signature");
        const auto presented = base64_decode(*presented_b64);
        if (!presented) return Outcome::forbidden("signature is not base64");

        std::vector<std::pair<std::string, std::string>> params;
        std::string_view rest = request.body;
        while (!rest.empty()) {
            const auto amp = rest.find('&');
            const std::string_view pair = rest.substr(0, amp);
            rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
            if (pair.empty()) continue;
            const auto eq = pair.find('=');
            auto name = form_decode(pair.substr(0, eq));
            auto value = form_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
            if (!name || !value) return Outcome::bad_request("malformed form encoding");
            params.emplace_back(std::move(*name), std::move(*value));
        }
        std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::string signed_data = url_;
        for (const auto& [name, value] : params) signed_data += name + value;
        if (!bytes_equal(hmac_sha1(key_, signed_data), *presented)) return Outcome::forbidden("signature does not verify");

        const auto it = std::find_if(params.begin(), params.end(), [](const auto& p) { return p.first == "mandrill_events"; });
        if (it == params.end()) return Outcome::bad_request("missing mandrill_events");
        std::string error;
        const auto events_json = parse_json_body(it->second, error);
        if (!events_json) return Outcome::bad_request("mandrill_events: " + error);
        if (!events_json->is_array()) return Outcome::bad_request("mandrill_events is not a JSON array");

        const std::int64_t now = services_.clock();
        std::vector<forwarder::Event> events;
        std::size_t refused = 0;  // events whose address listmonk would not take
        for (const auto& item : *events_json) {
            if (!item.is_object()) continue;
            const std::string kind = string_field(item, "event");
            const std::string type = type_for(kind);
            const nlohmann::json* msg = object_field(item, "msg");
            if (type.empty() || msg == nullptr) continue;
            Diagnostics d = diagnostics_from_text(string_field(*msg, "diag"));
            d.reason = string_field(*msg, "bounce_description");
            std::string campaign, subscriber;
            if (const nlohmann::json* metadata = object_field(*msg, "metadata")) {
                campaign = header_value(*metadata, campaign_field_);
                if (campaign.empty()) campaign = header_value(*metadata, "campaign_uuid");
                subscriber = header_value(*metadata, "X-Listmonk-Subscriber");
                if (subscriber.empty()) subscriber = header_value(*metadata, "subscriber_uuid");
            }
            const std::string email = string_field(*msg, "email");
            const auto timestamp = number_field(item, "ts");
            const auto when = timestamp ? unix_seconds_from_number(*timestamp) : std::nullopt;
            auto event = make_event({.source = "mandrill",
                                     .recipient = email,
                                     .type = type,
                                     .idempotency_key = string_field(item, "_id") + ":" + kind + ":" +
                                                        string_field(item, "ts") + ":" + lowercase(email),
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
    std::string key_, url_, campaign_field_;
    Services services_;
};

}  // namespace

std::unique_ptr<Provider> make_mandrill(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<MandrillProvider>(config, services);
}

}  // namespace webhooks::providers

// Azure Communication Services email delivery reports through Event Grid (providers.md §12). The shared
// secret (?code= or X-Listmonk-Webhook-Secret) is required on every request, the validation handshake included.

#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/mac.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"

namespace webhooks::providers {

namespace {

bool mentions_any(const std::string& lower_text, std::initializer_list<const char*> words) {
    for (const char* w : words) {
        if (lower_text.find(w) != std::string::npos) return true;
    }
    return false;
}

// listmonk's classification of a failed delivery: the SMTP class first, then keywords; soft by default.
std::string failed_type(const std::string& status_message) {
    const Diagnostics d = diagnostics_from_text(status_message);
    if (!d.status.empty()) return d.status[0] == '5' ? "hard" : "soft";
    const std::string text = lowercase(status_message);
    if (mentions_any(text, {"mailbox full", "temporar", "timeout", "rate limit", "throttl"})) return "soft";
    if (mentions_any(text, {"invalid", "does not exist", "unknown user", "unknown domain"})) return "hard";
    return "soft";
}

class AzureProvider final : public Provider {
public:
    AzureProvider(const conf::ProviderConfig& config, const Services& services)
        : secret_(config.secret), services_(services) {
        if (secret_.empty())
            throw ProviderConfigError("[hooks.azure] needs secret (sent as ?code= or X-Listmonk-Webhook-Secret)");
    }

    Outcome handle(const Request& request) override {
        const std::string* presented = request.query_param("code");
        if (presented == nullptr) presented = request.header("X-Listmonk-Webhook-Secret");
        if (presented == nullptr) return Outcome::unauthorized("missing shared secret");
        if (!secret_equal(*presented, secret_)) return Outcome::unauthorized("wrong shared secret");

        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error);
        if (!body->is_array()) return Outcome::bad_request("Event Grid payload is not a JSON array");
        const std::string* kind = request.header("aeg-event-type");
        if (kind != nullptr && *kind == "SubscriptionValidation") {
            const nlohmann::json* data = !body->empty() ? object_field(body->front(), "data") : nullptr;
            const std::string code = data != nullptr ? string_field(*data, "validationCode") : "";
            if (code.empty()) return Outcome::bad_request("SubscriptionValidation without data.validationCode");
            Outcome o = Outcome::ignored("subscription validated");
            o.response_body = nlohmann::json{{"validationResponse", code}};
            return o;
        }

        const std::int64_t now = services_.clock();
        std::vector<forwarder::Event> events;
        std::size_t refused = 0;  // events whose address listmonk would not take
        for (const auto& item : *body) {
            if (!item.is_object() ||
                string_field(item, "eventType") != "Microsoft.Communication.EmailDeliveryReportReceived")
                continue;
            const nlohmann::json* data = object_field(item, "data");
            if (data == nullptr) continue;
            const std::string status = string_field(*data, "status");
            std::string message;
            if (const nlohmann::json* details = object_field(*data, "deliveryStatusDetails"))
                message = string_field(*details, "statusMessage");
            std::string type;
            if (status == "Bounced") type = "hard";
            else if (status == "Failed") type = failed_type(message);
            else if (status == "FilteredSpam" || status == "Quarantined")
                type = mentions_any(lowercase(message), {"complaint", "abuse"}) ? "complaint" : "soft";
            if (type.empty()) continue;  // Delivered, Expanded, and Suppressed (a re-drop of a known-bad address)
            std::string id = string_field(item, "id");
            if (id.empty()) id = string_field(*data, "messageId") + ":" + status;
            Diagnostics d = diagnostics_from_text(message);
            d.reason = status;
            std::string when = string_field(*data, "deliveryAttemptTimestamp");
            if (when.empty()) when = string_field(*data, "deliveryAttemptTimeStamp");
            if (when.empty()) when = string_field(item, "eventTime");
            const auto parsed = parse_rfc3339(when);
            auto event = make_event({.source = "azure",
                                     .recipient = string_field(*data, "recipient"),
                                     .type = type,
                                     .idempotency_key = id,
                                     .created_at = parsed ? rfc3339_utc(*parsed) : "",
                                     .campaign = "",
                                     .subscriber = "",
                                     .payload = item,
                                     .diagnostics = std::move(d)},
                                    now);
            if (event) events.push_back(std::move(*event));
            else ++refused;
        }
        return Outcome::of_batch(std::move(events), refused, "no bounce or complaint delivery reports");
    }

private:
    std::string secret_;
    Services services_;
};

}  // namespace

std::unique_ptr<Provider> make_azure(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<AzureProvider>(config, services);
}

}  // namespace webhooks::providers

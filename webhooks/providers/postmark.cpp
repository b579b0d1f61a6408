// Postmark bounce and spam-complaint webhooks (providers.md §3): Basic credentials from the webhook URL.
#include "webhooks/credentials.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"

namespace webhooks::providers {

namespace {

// Postmark bounce Type -> listmonk type; empty = not a bounce worth recording.
std::string type_for(const std::string& postmark_type) {
    if (postmark_type == "HardBounce" || postmark_type == "BadEmailAddress" || postmark_type == "ManuallyDeactivated")
        return "hard";
    if (postmark_type == "SoftBounce" || postmark_type == "Transient" || postmark_type == "DnsError" ||
        postmark_type == "SpamNotification" || postmark_type == "VirusNotification" || postmark_type == "DMARCPolicy")
        return "soft";
    if (postmark_type == "SpamComplaint") return "complaint";
    return std::string();
}

class PostmarkProvider final : public Provider {
public:
    PostmarkProvider(const conf::ProviderConfig& config, const Services& services)
        : username_(config.username), password_(config.password), campaign_field_(config.campaign_field),
          services_(services) {
        if (username_.empty() || password_.empty())
            throw ProviderConfigError("[hooks.postmark] needs username and password (Basic auth in the webhook URL)");
    }

    Outcome handle(const Request& request) override {
        if (auto denied = check_basic_auth(request, username_, password_)) return std::move(*denied);
        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error);
        if (!body->is_object()) return Outcome::bad_request("Postmark payload is not a JSON object");
        const std::string record = string_field(*body, "RecordType");
        if (record != "Bounce" && record != "SpamComplaint") return Outcome::ignored("RecordType " + record);
        std::string postmark_type = string_field(*body, "Type");
        if (record == "SpamComplaint" && postmark_type.empty()) postmark_type = "SpamComplaint";
        const std::string type = type_for(postmark_type);
        if (type.empty()) return Outcome::ignored("bounce Type " + postmark_type);

        const std::string id = string_field(*body, "ID");
        if (id.empty()) return Outcome::bad_request("Postmark event without ID");
        std::string campaign, subscriber;
        if (const nlohmann::json* metadata = object_field(*body, "Metadata")) {
            campaign = header_value(*metadata, campaign_field_);
            subscriber = header_value(*metadata, "X-Listmonk-Subscriber");
        }
        Diagnostics d = diagnostics_from_text(string_field(*body, "Details"));
        d.reason = postmark_type;
        const auto when = parse_rfc3339(string_field(*body, "BouncedAt"));
        const std::int64_t now = services_.clock();
        auto event = make_event({.source = "postmark",
                                 .recipient = string_field(*body, "Email"),
                                 .type = type,
                                 .idempotency_key = id,
                                 .created_at = when ? rfc3339_utc(*when) : "",
                                 .campaign = campaign,
                                 .subscriber = subscriber,
                                 .payload = *body,
                                 .diagnostics = std::move(d)},
                                now);
        if (!event) return Outcome::bad_request("Postmark event without a valid Email");
        return Outcome::accepted({std::move(*event)});
    }

private:
    std::string username_, password_, campaign_field_;
    Services services_;
};

}  // namespace

std::unique_ptr<Provider> make_postmark(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<PostmarkProvider>(config, services);
}

}  // namespace webhooks::providers

// Postal (docs.postalserver.io, "Webhooks"): the self-hosted mail platform signs each webhook's raw body
// with its server's RSA key. X-Postal-Signature-256 is RSA-SHA256 (newer Postal); X-Postal-Signature is
// RSA-SHA1 (every version). The body is {"event", "timestamp", "payload", "uuid"}.
#include "webhooks/encoding.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"
#include "webhooks/public_key.hpp"
#include "webhooks/reply_classification.hpp"

#include <cmath>

namespace webhooks::providers {

namespace {

// "Message sent by SMTP to mx1.example.net (192.0.2.1) (from ...)" and the failure variants name the
// receiving host after "to "; the per-receiver tables want it.
std::string host_in_details(std::string_view details) {
    const std::size_t at = details.find(" to ");
    if (at == std::string_view::npos) return {};
    std::size_t begin = at + 4, end = begin;
    while (end < details.size() && details[end] != ' ' && details[end] != '(' && details[end] != ',') ++end;
    std::string_view host = details.substr(begin, end - begin);
    if (host.find('.') == std::string_view::npos || host.find('@') != std::string_view::npos) return {};
    return lowercase(host);
}

class PostalProvider final : public Provider {
public:
    PostalProvider(const conf::ProviderConfig& config, const Services& services)
        : services_(services), max_age_(config.max_age_seconds), bounced_as_(config.bounced_as),
          campaign_field_(config.campaign_field) {
        if (config.public_key.empty())
            throw ProviderConfigError("[hooks.postal] needs public_key (the server's webhook key shown by Postal)");
        if (max_age_ <= 0) throw ProviderConfigError("[hooks.postal] max_age_seconds must be positive");
        std::string error;
        key_ = PublicKey::from_rsa_public_key(config.public_key, error);
        if (!key_) throw ProviderConfigError("[hooks.postal] public_key: " + error);
    }

    Outcome handle(const Request& request) override {
        // Verified before anything in the body is read. When the SHA-256 header is there it alone
        // decides: falling back to SHA-1 after a failed SHA-256 check would let a forger pick the weaker one.
        const std::string* sha256 = request.header("X-Postal-Signature-256");
        const std::string* sha1 = request.header("X-Postal-Signature");
        if (sha256 == nullptr && sha1 == nullptr) return Outcome::forbidden("missing X-Postal-Signature headers");
        const std::string* presented = sha256 != nullptr ? sha256 : sha1;
        const auto signature = base64_decode(*presented);
        if (!signature) return Outcome::forbidden("signature is not base64");
        if (!key_->verify(sha256 != nullptr ? Digest::sha256 : Digest::sha1, request.body, *signature))
            return Outcome::forbidden("signature does not verify");

        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error);
        if (!body->is_object()) return Outcome::bad_request("Postal payload is not a JSON object");
        const std::int64_t now = services_.clock();
        const auto stamped = number_field(*body, "timestamp");
        if (!stamped || !std::isfinite(*stamped) || *stamped < double(now - max_age_) || *stamped > double(now + max_age_))
            return Outcome::forbidden("stale or future timestamp");
        const std::string uuid = string_field(*body, "uuid");
        if (uuid.empty()) return Outcome::bad_request("Postal webhook without uuid");
        // A request Postal sends again after a lost answer was stored already: 200, so it stops retrying.
        if (replays_.seen(uuid, now)) return Outcome::ignored("webhook already received");
        const nlohmann::json* payload = object_field(*body, "payload");
        if (payload == nullptr) return Outcome::bad_request("Postal webhook without payload");

        const std::string event = string_field(*body, "event");
        std::optional<forwarder::Event> normalized;
        if (event == "MessageDeliveryFailed") {
            normalized = delivery_failed(*payload, uuid, now);
        } else if (event == "MessageBounced") {
            normalized = bounced(*payload, uuid, now);
        } else {
            // MessageSent, MessageDelayed (Postal retries; the final failure comes as MessageDeliveryFailed),
            // MessageHeld, clicks, loads, DNS errors: nothing to tell listmonk.
            return Outcome::ignored("event " + (event.empty() ? std::string("without a name") : event));
        }
        if (!normalized) return Outcome::bad_request("Postal event without a valid recipient address");
        Outcome outcome = Outcome::accepted({std::move(*normalized)});
        // Remembered once stored, so Postal's own retry after a 503 is taken; kept for as long as the
        // timestamp could still pass the window.
        const std::int64_t expires = static_cast<std::int64_t>(*stamped) + max_age_ + 1;
        outcome.on_committed = [this, uuid, expires, now] { replays_.remember(uuid, expires, now); };
        return outcome;
    }

private:
    std::optional<forwarder::Event> delivery_failed(const nlohmann::json& payload, const std::string& uuid,
                                                    std::int64_t now) {
        const nlohmann::json* message = object_field(payload, "message");
        if (message == nullptr) return std::nullopt;
        const std::string recipient = string_field(*message, "to");
        const std::string status = string_field(payload, "status");
        const std::string output = string_field(payload, "output");
        const std::string details = string_field(payload, "details");
        const std::string host = host_in_details(details);

        Diagnostics d = diagnostics_from_text(output.empty() ? details : output);
        const std::string code = d.reply_code != 0 ? std::to_string(d.reply_code) : std::string();
        // The remote server's own words first; Postal's summary only when the reply decides nothing.
        ReplyVerdict verdict = classify_reply(output, d.status, code, host, recipient);
        if (verdict.type.empty() && !details.empty()) {
            const Diagnostics from_details = diagnostics_from_text(details);
            verdict = classify_reply(details, from_details.status, code, host, recipient);
        }
        std::string type = verdict.type;
        if (type.empty()) type = status == "HardFail" ? "hard" : "soft";
        d.reason = verdict.reason.empty() ? status : verdict.reason;
        return finish(recipient, type, uuid, *message, payload, std::move(d), now);
    }

    std::optional<forwarder::Event> bounced(const nlohmann::json& payload, const std::string& uuid, std::int64_t now) {
        const nlohmann::json* original = object_field(payload, "original_message");
        if (original == nullptr) return std::nullopt;
        const std::string recipient = string_field(*original, "to");
        // Postal tells that a bounce arrived, not why: the bounce object describes the bounce message.
        // A cause is used only where a payload carries one; otherwise the configured type (soft by default,
        // so a bounce of unknown cause blocklists nobody).
        const std::string cause = string_field(payload, "output").empty() ? string_field(payload, "details")
                                                                          : string_field(payload, "output");
        Diagnostics d = diagnostics_from_text(cause);
        const std::string code = d.reply_code != 0 ? std::to_string(d.reply_code) : std::string();
        const ReplyVerdict verdict = classify_reply(cause, d.status, code, "", recipient);
        const std::string type = verdict.type.empty() ? bounced_as_ : verdict.type;
        d.reason = verdict.reason.empty() ? "bounced" : verdict.reason;
        return finish(recipient, type, uuid, *original, payload, std::move(d), now);
    }

    std::optional<forwarder::Event> finish(const std::string& recipient, const std::string& type,
                                           const std::string& uuid, const nlohmann::json& message,
                                           const nlohmann::json& payload, Diagnostics d, std::int64_t now) {
        // Postal's webhooks carry no message headers today; if a version adds them, the UUIDs are there.
        std::string campaign, subscriber;
        if (const nlohmann::json* headers = object_field(message, "headers")) {
            campaign = header_value(*headers, campaign_field_);
            if (campaign.empty()) campaign = header_value(*headers, "X-Listmonk-Campaign");
            subscriber = header_value(*headers, "X-Listmonk-Subscriber");
        }
        const auto sent = number_field(payload, "timestamp");
        const auto when = sent ? unix_seconds_from_number(*sent) : std::nullopt;
        return make_event({.source = "postal",
                           .recipient = recipient,
                           .type = type,
                           .idempotency_key = uuid,
                           .created_at = when ? rfc3339_utc(*when) : "",
                           .campaign = campaign,
                           .subscriber = subscriber,
                           .payload = payload,
                           .diagnostics = std::move(d)},
                          now);
    }

    Services services_;
    std::int64_t max_age_;
    std::string bounced_as_;
    std::string campaign_field_;
    std::shared_ptr<const PublicKey> key_;
    ReplayCache replays_;
};

}  // namespace

std::unique_ptr<Provider> make_postal(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<PostalProvider>(config, services);
}

}  // namespace webhooks::providers

// Amazon SES notifications delivered by SNS (providers.md §1): SNS signature v1/v2 with the signing
// certificate from an AWS URL, TopicArn allowlist, subscription handling, SES bounce/complaint mapping.
#include <algorithm>
#include <fstream>
#include <mutex>
#include <unordered_map>

#include "webhooks/encoding.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/json_fields.hpp"
#include "webhooks/normalize.hpp"
#include "webhooks/providers/factories.hpp"
#include "webhooks/public_key.hpp"
#include "webhooks/sns_message.hpp"
#include "webhooks/url.hpp"

namespace webhooks::providers {

namespace {

constexpr std::size_t max_certificate_bytes = 10 * 1024;
constexpr std::size_t max_cached_certificates = 64;
constexpr std::size_t max_confirmation_bytes = 64 * 1024;
constexpr std::int64_t failed_certificate_retry_seconds = 300;
constexpr std::int64_t transient_failure_retry_seconds = 30;
// Forged URLs are free to invent, so this set is larger than the good-certificate cache; past it, it is
// reset (the worst case is one fetch per distinct URL per reset, bounded by this size).
constexpr std::size_t max_failed_certificates = 4096;

// "arn:aws-cn:sns:cn-north-1:123:topic" -> "aws-cn".
std::string arn_partition(const std::string& arn) {
    if (!arn.starts_with("arn:")) return std::string();
    const auto end = arn.find(':', 4);
    return end == std::string::npos ? std::string() : arn.substr(4, end - 4);
}

// The certificate host of each partition's SNS: a topic in one partition is never signed by another's
// certificate, so an "arn:aws:" topic with a ".amazonaws.com.cn" certificate is a forgery's detour.
bool host_in_partition(const std::string& host, const std::string& partition) {
    if (partition == "aws" || partition == "aws-us-gov") return host.ends_with(".amazonaws.com");
    if (partition == "aws-cn") return host.ends_with(".amazonaws.com.cn");
    return false;
}

// "arn:aws:sns:us-east-2:123:topic" -> "us-east-2".
std::string arn_region(const std::string& arn) {
    std::size_t pos = 0;
    for (int field = 0; field < 3; ++field) {
        pos = arn.find(':', pos);
        if (pos == std::string::npos) return std::string();
        ++pos;
    }
    const auto end = arn.find(':', pos);
    return end == std::string::npos ? std::string() : arn.substr(pos, end - pos);
}

class SesProvider final : public Provider {
public:
    SesProvider(const conf::ProviderConfig& config, const Services& services)
        : topics_(config.topic_arns), cache_dir_(config.cert_cache_dir), campaign_field_(config.campaign_field),
          max_age_(config.sns_max_age_seconds), services_(services) {
        if (topics_.empty()) throw ProviderConfigError("[hooks.ses] needs topic_arns (the SNS topics to accept)");
        if (!services_.fetcher && cache_dir_.empty())
            throw ProviderConfigError("[hooks.ses] has neither a certificate fetcher nor cert_cache_dir");
    }

    Outcome handle(const Request& request) override {
        std::string error;
        const auto body = parse_json_body(request.body, error);
        if (!body) return Outcome::bad_request(error);
        const auto sns = parse_sns_message(*body, error);
        if (!sns) return Outcome::bad_request("not an SNS message: " + error);

        // First of all: only the operator's own topics may make us fetch or record anything. Any AWS
        // account can send validly signed messages from its own topic.
        if (std::find(topics_.begin(), topics_.end(), sns->topic_arn) == topics_.end())
            return Outcome::forbidden("TopicArn not in topic_arns");
        if (sns->type == "UnsubscribeConfirmation") {
            // Nothing is done with it, so nothing is fetched, not even the certificate: its SubscribeURL
            // would re-subscribe the endpoint (listmonk's misspelt type check does exactly that).
            Outcome o = Outcome::ignored("unsubscribe confirmation for " + sns->topic_arn + " acknowledged");
            o.notable = true;
            return o;
        }
        Digest digest;
        if (sns->signature_version == "1") digest = Digest::sha1;
        else if (sns->signature_version == "2") digest = Digest::sha256;
        else return Outcome::forbidden("unsupported SignatureVersion");
        if (sns->type != "Notification" && sns->type != "SubscriptionConfirmation" &&
            sns->type != "UnsubscribeConfirmation")
            return Outcome::bad_request("unknown SNS Type");
        if (!is_valid_sns_cert_url(sns->signing_cert_url)) return Outcome::forbidden("SigningCertURL refused");
        const auto cert_url = parse_url(sns->signing_cert_url);
        if (sns_region(*cert_url) != arn_region(sns->topic_arn))
            return Outcome::forbidden("SigningCertURL region differs from the TopicArn region");
        if (!host_in_partition(cert_url->host, arn_partition(sns->topic_arn)))
            return Outcome::forbidden("SigningCertURL host is not in the TopicArn's partition");

        const auto signature = base64_decode(sns->signature);
        if (!signature || signature->empty()) return Outcome::forbidden("Signature is not base64");

        std::shared_ptr<const PublicKey> key;
        if (auto failure = signing_key(sns->signing_cert_url, key)) return std::move(*failure);
        if (!key->valid_at(services_.clock())) return Outcome::forbidden("signing certificate expired or not yet valid");
        if (!key->verify(digest, sns_string_to_sign(*sns), *signature))
            return Outcome::forbidden("SNS signature does not verify");

        if (sns->type == "SubscriptionConfirmation") return confirm_subscription(*sns);
        // A validly signed notification stays valid forever; its signed Timestamp bounds how long a
        // captured one can be replayed (the outbox de-duplicates within its own retention only).
        const auto sent = parse_rfc3339(sns->timestamp);
        const std::int64_t now = services_.clock();
        if (!sent || *sent < now - max_age_ || *sent > now + max_age_)
            return Outcome::forbidden("stale or future SNS Timestamp");
        return notification(*sns);
    }

private:
    // Sets `key` or returns the answer explaining why there is none.
    std::optional<Outcome> signing_key(const std::string& url, std::shared_ptr<const PublicKey>& key) {
        {
            std::lock_guard lock(mutex_);
            const auto it = cache_.find(url);
            if (it != cache_.end()) {
                key = it->second;
                return std::nullopt;
            }
        }
        const std::int64_t now = services_.clock();
        {
            // A certificate URL that just failed is not fetched again for a while: otherwise every
            // forged request naming a well-formed but wrong URL would cost an outbound HTTPS request.
            std::lock_guard lock(mutex_);
            const auto failed = failed_until_.find(url);
            if (failed != failed_until_.end() && failed->second.until > now) {
                return failed->second.transient ? Outcome::unavailable("signing certificate cannot be fetched now")
                                                : Outcome::forbidden("signing certificate unavailable");
            }
        }
        std::string pem;
        if (!cache_dir_.empty()) {
            // The URL is validated, so its last segment is "SimpleNotificationService-<hex>.pem": a safe file name.
            const std::string file = cache_dir_ + "/" + url.substr(url.rfind('/') + 1);
            std::ifstream in(file, std::ios::binary);
            if (in) {
                pem.resize(max_certificate_bytes + 1);
                in.read(pem.data(), static_cast<std::streamsize>(pem.size()));
                pem.resize(static_cast<std::size_t>(in.gcount()));
                if (pem.size() > max_certificate_bytes) return Outcome::unavailable("cached certificate too large");
            }
        }
        if (pem.empty()) {
            if (!services_.fetcher) return Outcome::unavailable("signing certificate not in cert_cache_dir");
            FetchResult fetched = services_.fetcher->get(url, max_certificate_bytes);
            // Our side's trouble (network, AWS 5xx) is 503, so SNS retries; AWS saying there is no such
            // certificate is 403. Both are remembered: a forged request naming random certificates must
            // not cost an outbound fetch each.
            if (!fetched.ok || fetched.status >= 500) {
                remember_failure(url, now, true);
                return Outcome::unavailable("signing certificate cannot be fetched now");
            }
            if (fetched.status != 200) {
                remember_failure(url, now, false);
                return Outcome::forbidden("signing certificate unavailable");
            }
            pem = std::move(fetched.body);
        }
        std::string error;
        key = PublicKey::from_rsa_certificate_pem(pem, error);
        if (!key) {
            remember_failure(url, now, false);
            return Outcome::forbidden("signing certificate unusable");
        }
        std::lock_guard lock(mutex_);
        if (cache_.size() >= max_cached_certificates) cache_.clear();
        cache_.emplace(url, key);
        return std::nullopt;
    }

    void remember_failure(const std::string& url, std::int64_t now, bool transient) {
        std::lock_guard lock(mutex_);
        if (failed_until_.size() >= max_failed_certificates) failed_until_.clear();
        // A transient failure is retried sooner: a genuine certificate should not stay unusable for long.
        failed_until_[url] = {now + (transient ? transient_failure_retry_seconds : failed_certificate_retry_seconds),
                              transient};
    }

    Outcome confirm_subscription(const SnsMessage& sns) {
        if (!sns.subscribe_url || !is_valid_sns_subscribe_url(*sns.subscribe_url))
            return Outcome::forbidden("SubscribeURL refused");
        if (!services_.fetcher) return Outcome::unavailable("no fetcher to confirm the subscription");
        const FetchResult r = services_.fetcher->get(*sns.subscribe_url, max_confirmation_bytes);
        if (!r.ok || r.status != 200 || r.body.find("ConfirmSubscriptionResponse") == std::string::npos)
            return Outcome::unavailable("subscription confirmation failed" + (r.ok ? "" : ": " + r.error));
        Outcome o = Outcome::ignored("subscription to " + sns.topic_arn + " confirmed");
        o.message = "subscription to " + sns.topic_arn + " confirmed";
        o.notable = true;
        return o;
    }

    Outcome notification(const SnsMessage& sns) {
        std::string error;
        const auto message = parse_json_body(sns.message, error);
        if (!message || !message->is_object()) return Outcome::ignored("SNS message is not an SES notification");
        std::string kind = string_field(*message, "notificationType");
        if (kind.empty()) kind = string_field(*message, "eventType");
        const nlohmann::json* mail = object_field(*message, "mail");
        static const nlohmann::json empty = nlohmann::json::object();
        if (mail == nullptr) mail = &empty;

        std::string campaign, subscriber;
        if (!bool_field(*mail, "headersTruncated")) {
            if (const nlohmann::json* headers = array_field(*mail, "headers")) {
                campaign = header_value(*headers, campaign_field_);
                subscriber = header_value(*headers, "X-Listmonk-Subscriber");
            }
        }

        const nlohmann::json* detail = nullptr;
        const char* recipients_key = nullptr;
        std::string type;
        Diagnostics base;
        if (kind == "Bounce") {
            detail = object_field(*message, "bounce");
            recipients_key = "bouncedRecipients";
        } else if (kind == "Complaint") {
            detail = object_field(*message, "complaint");
            recipients_key = "complainedRecipients";
            type = "complaint";
        } else {
            return Outcome::ignored("SES " + (kind.empty() ? std::string("message without a type") : kind));
        }
        if (detail == nullptr) return Outcome::bad_request("SES " + kind + " without its details object");

        std::vector<nlohmann::json> recipients;
        if (const nlohmann::json* list = array_field(*detail, recipients_key)) {
            for (const auto& r : *list) {
                if (r.is_object()) recipients.push_back(r);
            }
        }
        if (recipients.empty()) {
            const nlohmann::json* destination = array_field(*mail, "destination");
            if (destination != nullptr && !destination->empty() && destination->front().is_string())
                recipients.push_back({{"emailAddress", destination->front()}});
        }
        if (type.empty()) {
            const std::string bounce_type = string_field(*detail, "bounceType");
            const std::string first_status = recipients.empty() ? "" : string_field(recipients.front(), "status");
            type = bounce_type == "Permanent" || (bounce_type == "Transient" && first_status == "5.4.4") ? "hard" : "soft";
        }

        const auto event_time = parse_rfc3339(string_field(*detail, "timestamp"));
        const auto envelope_time = parse_rfc3339(sns.timestamp);
        const std::int64_t now = services_.clock();
        const std::string created_at = rfc3339_utc(event_time ? *event_time : envelope_time ? *envelope_time : now);

        std::vector<forwarder::Event> events;
        std::size_t skipped = 0;
        for (const auto& r : recipients) {
            const std::string address = string_field(r, "emailAddress");
            Diagnostics d = diagnostics_from_text(string_field(r, "diagnosticCode"));
            if (const std::string status = string_field(r, "status"); !status.empty()) d.status = status;
            d.reason = kind == "Complaint" ? string_field(*detail, "complaintFeedbackType")
                                           : string_field(*detail, "bounceSubType");
            // The details without their recipient list (copying it only to erase it cost a copy of
            // every recipient per recipient).
            nlohmann::json payload = nlohmann::json::object();
            for (const auto& [key, value] : detail->items()) {
                if (key != recipients_key) payload[key] = value;
            }
            payload["recipient"] = r;
            payload["notificationType"] = kind;
            if (const std::string id = string_field(*mail, "messageId"); !id.empty()) payload["mailMessageId"] = id;
            auto event = make_event({.source = "ses",
                                     .recipient = address,
                                     .type = type,
                                     .idempotency_key = sns.message_id + ":" + lowercase(address),
                                     .created_at = created_at,
                                     .campaign = campaign,
                                     .subscriber = subscriber,
                                     .payload = std::move(payload),
                                     .diagnostics = std::move(d)},
                                    now);
            if (event) events.push_back(std::move(*event));
            else ++skipped;
        }
        if (events.empty() && skipped > 0) return Outcome::bad_request("no recipient with an address listmonk accepts");
        if (events.empty()) return Outcome::ignored("SES " + kind + " without a usable recipient");
        return Outcome::accepted(std::move(events),
                                 skipped == 0 ? "accepted" : "accepted; skipped recipients without an address");
    }

    std::vector<std::string> topics_;
    std::string cache_dir_;
    std::string campaign_field_;
    std::int64_t max_age_;
    Services services_;
    std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<const PublicKey>> cache_;
    struct Failure {
        std::int64_t until;
        bool transient;
    };
    std::unordered_map<std::string, Failure> failed_until_;
};

}  // namespace

std::unique_ptr<Provider> make_ses(const conf::ProviderConfig& config, const Services& services) {
    return std::make_unique<SesProvider>(config, services);
}

}  // namespace webhooks::providers

#include "tests/fuzz/webhook_signer.hpp"
#include "webhooks/timestamps.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <utility>
#include <vector>

#include "webhooks/encoding.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/mac.hpp"
#include "webhooks/sns_message.hpp"

namespace fuzz_support {

namespace {

// Distinctive secrets, so an answer that leaks one is recognisable.
constexpr std::string_view kUser = "fuzz-user";
constexpr std::string_view kPassword = "fuzz-password-1f3a";
constexpr std::string_view kBearer = "fuzz-bearer-token-77c1";
constexpr std::string_view kMailgunKey = "fuzz-mailgun-key-9d2e";
constexpr std::string_view kMandrillKey = "fuzz-mandrill-key-4b8a";
constexpr std::string_view kMandrillUrl = "https://hooks.example.com/hooks/mandrill";
constexpr std::string_view kResendKeyBytes = "fuzz-resend-key-bytes-0a5c";
constexpr std::string_view kForwardEmailKey = "fuzz-forwardemail-key-5e61";
constexpr std::string_view kLettermintKey = "fuzz-lettermint-key-c3d0";
constexpr std::string_view kAzureSecret = "fuzz-azure-secret-8a7b";

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "webhook fuzz harness: %s\n", what);
    std::abort();
}

void set_header(webhooks::Request& request, const std::string& name, std::string value) {
    request.headers.erase(name);  // the comparator ignores case, so every spelling goes
    request.headers.emplace(name, std::move(value));
}

void erase_headers(webhooks::Request& request, std::initializer_list<const char*> names) {
    for (const char* name : names) request.headers.erase(name);
}

std::string dump(const nlohmann::json& json) {
    return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string make_certificate(EVP_PKEY* key) {
    X509* cert = X509_new();
    if (cert == nullptr) fail("X509_new failed");
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    // Valid around the pinned clock, whatever the real date.
    ASN1_TIME_set(X509_getm_notBefore(cert), static_cast<time_t>(kNow - 365 * 86400));
    ASN1_TIME_set(X509_getm_notAfter(cert), static_cast<time_t>(kNow + 365 * 86400));
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("sns.amazonaws.com"),
                               -1, -1, 0);
    X509_set_issuer_name(cert, name);
    if (X509_sign(cert, key, EVP_sha256()) == 0) fail("X509_sign failed");
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(bio, cert);
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(len));
    BIO_free(bio);
    X509_free(cert);
    return pem;
}

std::string sign_with(EVP_PKEY* key, const EVP_MD* md, std::string_view data) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::size_t len = 0;
    const auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
    if (ctx == nullptr || EVP_DigestSignInit(ctx, nullptr, md, nullptr, key) != 1 ||
        EVP_DigestSign(ctx, nullptr, &len, bytes, data.size()) != 1)
        fail("EVP_DigestSign init failed");
    std::string signature(len, '\0');
    if (EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &len, bytes, data.size()) != 1)
        fail("EVP_DigestSign failed");
    EVP_MD_CTX_free(ctx);
    signature.resize(len);
    return signature;
}

// Mandrill signs the URL followed by every form parameter (name then value), sorted by name.
std::optional<std::string> mandrill_signed_data(std::string_view body) {
    std::vector<std::pair<std::string, std::string>> params;
    while (!body.empty()) {
        const auto amp = body.find('&');
        const std::string_view pair = body.substr(0, amp);
        body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        auto name = webhooks::form_decode(pair.substr(0, eq));
        auto value = webhooks::form_decode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
        if (!name || !value) return std::nullopt;
        params.emplace_back(std::move(*name), std::move(*value));
    }
    std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string data(kMandrillUrl);
    for (const auto& [name, value] : params) data += name + value;
    return data;
}

}  // namespace

const WebhookSigner& WebhookSigner::get() {
    static const WebhookSigner signer;
    return signer;
}

WebhookSigner::WebhookSigner() {
    // 1024-bit RSA: the provider's verification cost per input matters more here than key strength.
    EVP_PKEY* rsa = EVP_RSA_gen(1024);
    EVP_PKEY* ec = EVP_EC_gen("P-256");
    if (rsa == nullptr || ec == nullptr) fail("key generation failed");
    rsa_key_ = rsa;
    ec_key_ = ec;
    certificate_pem_ = make_certificate(rsa);
    unsigned char* der = nullptr;
    const int der_len = i2d_PUBKEY(ec, &der);
    if (der_len <= 0) fail("i2d_PUBKEY failed");
    ec_spki_base64_ = webhooks::base64_encode(std::string_view(reinterpret_cast<const char*>(der), der_len));
    OPENSSL_free(der);
    EVP_PKEY* postal = EVP_RSA_gen(2048);
    if (postal == nullptr) fail("key generation failed");
    postal_key_ = postal;
    der = nullptr;
    const int postal_len = i2d_PUBKEY(postal, &der);
    if (postal_len <= 0) fail("i2d_PUBKEY failed");
    postal_spki_base64_ = webhooks::base64_encode(std::string_view(reinterpret_cast<const char*>(der), postal_len));
    OPENSSL_free(der);
}

WebhookSigner::~WebhookSigner() {
    EVP_PKEY_free(static_cast<EVP_PKEY*>(rsa_key_));
    EVP_PKEY_free(static_cast<EVP_PKEY*>(ec_key_));
    EVP_PKEY_free(static_cast<EVP_PKEY*>(postal_key_));
}

std::string WebhookSigner::sign_rsa(bool sha256, std::string_view data) const {
    return sign_with(static_cast<EVP_PKEY*>(rsa_key_), sha256 ? EVP_sha256() : EVP_sha1(), data);
}

std::string WebhookSigner::sign_p256(std::string_view data) const {
    return sign_with(static_cast<EVP_PKEY*>(ec_key_), EVP_sha256(), data);
}

conf::ProviderConfig WebhookSigner::config_for(std::string_view provider) const {
    conf::ProviderConfig c;
    c.name = std::string(provider);
    c.username = kUser;
    c.password = kPassword;
    c.token = kBearer;
    c.signing_key = kMailgunKey;
    c.url = kMandrillUrl;
    c.public_key = provider == "postal" ? postal_spki_base64_ : ec_spki_base64_;
    c.topic_arns = {std::string(kSesTopic)};
    if (provider == "resend") c.secret = "whsec_" + webhooks::base64_encode(kResendKeyBytes);
    else c.secret = kAzureSecret;
    if (provider == "mandrill") c.key = kMandrillKey;
    else if (provider == "forwardemail") c.key = kForwardEmailKey;
    else c.key = kLettermintKey;
    return c;
}

bool WebhookSigner::leaks_secret(std::string_view text, std::string_view request) const {
    for (const std::string_view secret : {kPassword, kBearer, kMailgunKey, kMandrillKey, kResendKeyBytes,
                                          kForwardEmailKey, kLettermintKey, kAzureSecret}) {
        if (text.find(secret) != std::string_view::npos && request.find(secret) == std::string_view::npos) return true;
    }
    return false;
}

void WebhookSigner::sign(std::string_view provider, webhooks::Request& request, std::string& body) const {
    using webhooks::base64_encode;
    using webhooks::hex_encode;
    using webhooks::hmac_sha256;
    const std::string now = std::to_string(kNow);
    if (provider == "postmark" || provider == "sparkpost" || provider == "mailjet") {
        set_header(request, "Authorization",
                   "Basic " + base64_encode(std::string(kUser) + ":" + std::string(kPassword)));
    } else if (provider == "brevo") {
        set_header(request, "Authorization", "Bearer " + std::string(kBearer));
    } else if (provider == "azure") {
        request.query.erase("code");
        set_header(request, "X-Listmonk-Webhook-Secret", std::string(kAzureSecret));
    } else if (provider == "forwardemail") {
        set_header(request, "X-Webhook-Signature", hex_encode(hmac_sha256(kForwardEmailKey, body)));
    } else if (provider == "lettermint") {
        set_header(request, "X-Lettermint-Signature",
                   "t=" + now + ",v1=" + hex_encode(hmac_sha256(kLettermintKey, now + "." + body)));
    } else if (provider == "resend") {
        const std::string* presented_id = request.header("svix-id");
        if (presented_id == nullptr) presented_id = request.header("webhook-id");
        const std::string id = presented_id != nullptr ? *presented_id : "msg_fuzz";
        erase_headers(request, {"svix-id", "svix-timestamp", "svix-signature", "webhook-id", "webhook-timestamp",
                                "webhook-signature"});
        set_header(request, "svix-id", id);
        set_header(request, "svix-timestamp", now);
        set_header(request, "svix-signature",
                   "v1," + base64_encode(hmac_sha256(kResendKeyBytes, id + "." + now + "." + body)));
    } else if (provider == "sendgrid") {
        set_header(request, "X-Twilio-Email-Event-Webhook-Timestamp", now);
        set_header(request, "X-Twilio-Email-Event-Webhook-Signature", base64_encode(sign_p256(now + body)));
    } else if (provider == "mandrill") {
        if (const auto data = mandrill_signed_data(body))
            set_header(request, "X-Mandrill-Signature", base64_encode(webhooks::hmac_sha1(kMandrillKey, *data)));
    } else if (provider == "mailgun") {
        std::string error;
        auto json = webhooks::parse_json_body(body, error);
        if (json && json->is_object()) {
            std::string token = "fuzz-token";
            if (const auto it = json->find("signature");
                it != json->end() && it->is_object() && it->contains("token") && (*it)["token"].is_string() &&
                !(*it)["token"].get<std::string>().empty())
                token = (*it)["token"].get<std::string>();
            (*json)["signature"] = {{"timestamp", now},
                                    {"token", token},
                                    {"signature", hex_encode(hmac_sha256(kMailgunKey, now + token))}};
            body = dump(*json);
        }
    } else if (provider == "postal") {
        // Postal signs the whole body, timestamp included: a fresh one lets the fuzzer reach the normalizer.
        std::string error;
        auto json = webhooks::parse_json_body(body, error);
        if (json && json->is_object()) {
            (*json)["timestamp"] = static_cast<double>(kNow) + 0.5;
            body = dump(*json);
        }
        EVP_PKEY* key = static_cast<EVP_PKEY*>(postal_key_);
        set_header(request, "X-Postal-Signature-256", base64_encode(sign_with(key, EVP_sha256(), body)));
        set_header(request, "X-Postal-Signature", base64_encode(sign_with(key, EVP_sha1(), body)));
    } else if (provider == "ses") {
        std::string error;
        auto json = webhooks::parse_json_body(body, error);
        if (json && json->is_object()) {
            (*json)["TopicArn"] = kSesTopic;
            json->erase("SigningCertUrl");
            (*json)["SigningCertURL"] = kSesCertUrl;
            (*json)["Timestamp"] = webhooks::rfc3339_utc(kNow);  // SNS stamps the time of sending (checked for freshness)
            const auto version = json->find("SignatureVersion");
            const bool sha256 = version != json->end() && *version == "2";
            (*json)["SignatureVersion"] = sha256 ? "2" : "1";
            (*json)["Signature"] = "";
            if (const auto sns = webhooks::parse_sns_message(*json, error)) {
                (*json)["Signature"] = base64_encode(sign_rsa(sha256, webhooks::sns_string_to_sign(*sns)));
                body = dump(*json);
            }
        }
    }
    request.body = body;
}

}  // namespace fuzz_support

// The fuzz harness's side of webhook authentication: one configuration per provider with known secrets,
// keys made in memory at start-up (an RSA certificate for SNS, a P-256 key for SendGrid, an RSA key for Postal), and a signer
// that makes a request authentic the way the provider itself would. With it the fuzzer reaches every
// payload normalizer without having to forge a signature; without it the verification paths see the
// fuzzer's own credentials.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "conf/config.hpp"
#include "webhooks/request.hpp"

namespace fuzz_support {

// The SNS topic and certificate URL the harness's SES provider trusts, and the certificate it serves.
inline constexpr std::string_view kSesTopic = "arn:aws:sns:us-east-1:123456789012:bounces";
inline constexpr std::string_view kSesCertUrl =
    "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem";

// Pinned "now" for every provider (inside the generated certificate's validity).
inline constexpr std::int64_t kNow = 1790000000;

class WebhookSigner {
public:
    // Generates the keys once per process; aborts if OpenSSL cannot (the harness would be useless).
    static const WebhookSigner& get();

    // The configuration the harness builds `provider` with: every secret it may need, all known here.
    conf::ProviderConfig config_for(std::string_view provider) const;

    const std::string& sns_certificate_pem() const { return certificate_pem_; }

    // Rewrites what a provider authenticates so that it verifies: headers, query, and for SES and
    // Mailgun (whose signatures live inside the JSON body) the body, stored in `body` (`request.body`
    // is pointed at it). A body the signer cannot sign (not JSON where JSON carries the signature) is
    // left as it is, so the provider's own refusal runs.
    void sign(std::string_view provider, webhooks::Request& request, std::string& body) const;

    // True when `text` (an answer, a log message) holds one of the harness's secrets that the
    // `request` as sent did not: only then did it come from our side. (A secret the client itself
    // put in the request and that is quoted back is no leak; answers quote nothing anyway.)
    bool leaks_secret(std::string_view text, std::string_view request) const;

    ~WebhookSigner();
    WebhookSigner(const WebhookSigner&) = delete;
    WebhookSigner& operator=(const WebhookSigner&) = delete;

private:
    WebhookSigner();
    std::string sign_rsa(bool sha256, std::string_view data) const;
    std::string sign_p256(std::string_view data) const;

    void* rsa_key_ = nullptr;  // EVP_PKEY*, kept opaque so including this header needs no OpenSSL
    void* ec_key_ = nullptr;
    void* postal_key_ = nullptr;  // RSA 2048: Postal's provider refuses shorter keys
    std::string certificate_pem_;
    std::string ec_spki_base64_;
    std::string postal_spki_base64_;
};

}  // namespace fuzz_support

// Strict absolute-URL splitting (RFC 3986 shape) for validating URLs before anything is fetched.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace webhooks {

struct ParsedUrl {
    std::string scheme;  // lowercased
    bool has_userinfo = false;
    std::string host;    // lowercased
    std::string port;    // digits, empty when absent
    std::string path;
    bool has_query = false;
    std::string query;
    bool has_fragment = false;
};

// nullopt for anything that is not a plain scheme://authority/path URL, including control characters,
// spaces, backslashes and percent-encoding in the authority (common tricks to confuse validators).
std::optional<ParsedUrl> parse_url(std::string_view url);

// SNS rules of providers.md §1.1 step 4: https, no userinfo, port absent or 443, host
// sns.<region>.amazonaws.com(.cn).
bool is_sns_host_url(const ParsedUrl& url);
// SigningCertURL: the host rule plus path /SimpleNotificationService-<hex>.pem and no query or fragment.
bool is_valid_sns_cert_url(std::string_view url);
// SubscribeURL: the host rule plus path "/" and a query carrying Action=ConfirmSubscription; no fragment.
bool is_valid_sns_subscribe_url(std::string_view url);
// "us-east-2" from "sns.us-east-2.amazonaws.com".
std::string sns_region(const ParsedUrl& url);

}  // namespace webhooks

// Fuzz target: what bounce-hooks decides before it fetches anything for Amazon SNS. The same input is
// read twice: as a URL (parse_url and the SigningCertURL / SubscribeURL validators, which stand between
// a forged request and an outbound HTTPS request) and as an SNS envelope (parse_sns_message and the
// string SNS signs).
#include "tests/fuzz/fuzz_check.hpp"
#include "webhooks/json_body.hpp"
#include "webhooks/sns_message.hpp"
#include "webhooks/url.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace {

bool lower_alnum_dash(std::string_view s) {
    for (const char c : s) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

// The AWS host rule, restated independently of url.cpp.
bool aws_sns_host(const webhooks::ParsedUrl& u) {
    if (u.scheme != "https" || u.has_userinfo || !(u.port.empty() || u.port == "443")) return false;
    if (!u.host.starts_with("sns.")) return false;
    const std::string_view host = u.host;
    std::string_view region;
    if (host.ends_with(".amazonaws.com")) region = host.substr(4, host.size() - 4 - 14);
    else if (host.ends_with(".amazonaws.com.cn")) region = host.substr(4, host.size() - 4 - 17);
    else return false;
    return !region.empty() && lower_alnum_dash(region);
}

void check_url(std::string_view text) {
    const auto url = webhooks::parse_url(text);
    if (url) {
        for (const char c : text) {
            const auto b = static_cast<unsigned char>(c);
            FUZZ_CHECK(b > 0x20 && b != 0x7f && c != '\\', "URL with a space, control character or backslash parsed");
        }
        FUZZ_CHECK(!url->scheme.empty(), "empty scheme parsed");
        for (const char c : url->scheme) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), "scheme not lowercased");
        FUZZ_CHECK(url->host.find_first_of("@/?#%\\") == std::string::npos, "host carries URL syntax");
        for (const char c : url->host) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'), "host not lowercased");
        for (const char c : url->port) FUZZ_CHECK(c >= '0' && c <= '9', "port is not digits");
    }
    if (webhooks::is_valid_sns_cert_url(text)) {
        FUZZ_CHECK(url.has_value(), "a certificate URL that does not parse was accepted");
        FUZZ_CHECK(aws_sns_host(*url), "certificate URL outside sns.<region>.amazonaws.com accepted");
        FUZZ_CHECK(!url->has_query && !url->has_fragment, "certificate URL with a query or fragment accepted");
        FUZZ_CHECK(url->path.starts_with("/SimpleNotificationService-") && url->path.ends_with(".pem"),
                   "certificate URL with another path accepted");
        FUZZ_CHECK(url->path.find_first_of("/", 1) == std::string::npos, "certificate path with directories accepted");
        FUZZ_CHECK(!webhooks::sns_region(*url).empty(), "accepted certificate URL without a region");
    }
    if (webhooks::is_valid_sns_subscribe_url(text)) {
        FUZZ_CHECK(url.has_value(), "a SubscribeURL that does not parse was accepted");
        FUZZ_CHECK(aws_sns_host(*url), "SubscribeURL outside sns.<region>.amazonaws.com accepted");
        FUZZ_CHECK(url->path == "/" && url->has_query && !url->has_fragment, "SubscribeURL of another shape accepted");
        FUZZ_CHECK(url->query.find("Action=ConfirmSubscription") != std::string::npos,
                   "SubscribeURL without Action=ConfirmSubscription accepted");
    }
}

void check_envelope(std::string_view text) {
    std::string error;
    const auto body = webhooks::parse_json_body(text, error);
    if (!body) {
        FUZZ_CHECK(!error.empty(), "JSON refused without a reason");
        return;
    }
    const auto sns = webhooks::parse_sns_message(*body, error);
    if (!sns) {
        FUZZ_CHECK(!error.empty(), "envelope refused without a reason");
        return;
    }
    const std::string to_sign = webhooks::sns_string_to_sign(*sns);
    FUZZ_CHECK(to_sign.starts_with("Message\n" + sns->message + "\nMessageId\n" + sns->message_id + "\n"),
               "string to sign does not start with Message and MessageId");
    FUZZ_CHECK(to_sign.ends_with("TopicArn\n" + sns->topic_arn + "\nType\n" + sns->type + "\n"),
               "string to sign does not end with TopicArn and Type");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check_url(text);
    check_envelope(text);
    return 0;
}

// Tencent (QQ Mail, Foxmail, Tencent Exmail; MX mx*.qq.com): fixed English sentences, each with
// a help page on service.mail.qq.com.
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"qq.com", "foxmail.com"};
constexpr std::string_view kDomains[] = {"qq.com", "foxmail.com", "vip.qq.com"};
constexpr std::string_view kMarkers[] = {"service.mail.qq.com"};

constexpr ReplyRule kRules[] = {
    {"", "spf check failed", "authfailure"},
    {"", "dmarc check failed", "authfailure"},
    {"", "suspected bounce attacks", "blocked"},
    {"", "suspected spam ip", "blocked"},
    {"", "connection denied", "blocked"},
    {"", "message too large", "mesgtoobig"},
    {"", "spam is embedded in the email", "spamdetected"},
    {"", "mail content denied", "spamdetected"},
    {"", "suspected spam", "rejected"},
    {"", "mail is rejected by recipients", "rejected"},
    {"", "mailbox unavailable or access denied", "speeding"},
    {"", "is a deactivated mailbox", "suspend"},
    {"", "bad address syntax", "syntaxerror"},
    {"", "frequency limited", "toomanyconn"},
    {"", "mailbox not found", "userunknown"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider tencent{"tencent", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost

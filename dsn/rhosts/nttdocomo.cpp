// NTT docomo (docomo.ne.jp, MX mfsmax.docomo.ne.jp) answers "550 Unknown user" both for a missing
// address (at RCPT) and for a recipient whose receive settings refuse the sender (at DATA), so
// the status and the stage decide.
#include "dsn/rhosts/provider.hpp"

#include "dsn/text.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"docomo.ne.jp"};
constexpr std::string_view kDomains[] = {"docomo.ne.jp"};

constexpr ReplyRule kRules[] = {
    {"", "552 too much mail data", "mailboxfull"},
    {"", "552 too many recipients", "toomanyconn"},
    {"", "503 bad sequence of commands", "syntaxerror"},
    {"", "504 command parameter not implemented", "syntaxerror"},
};

std::string_view reason(const classify::Evidence& e) {
    if (e.status == "5.1.1") return "userunknown";
    if (e.status == "5.2.0") return "filtered";
    if (auto by_text = first_rule(kRules, e); !by_text.empty()) return by_text;
    if (!text::icontains(e.diagnostic, "unknown user")) return {};
    if (text::iequals(e.smtp_command, "RCPT")) return "userunknown";
    if (text::iequals(e.smtp_command, "DATA")) return "rejected";
    return "filtered";
}

}  // namespace

const Provider nttdocomo{"nttdocomo", kHosts, kDomains, {}, reason};

}  // namespace dsn::rhost

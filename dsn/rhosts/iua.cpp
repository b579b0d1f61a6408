// I.UA (Ukraine; MX *.email.ua): replies link to "mail.i.ua/err/<n>/" and the number is the cause.
#include "dsn/rhosts/provider.hpp"

#include "dsn/text.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"email.ua", "i.ua"};
constexpr std::string_view kDomains[] = {"i.ua", "email.ua"};
constexpr std::string_view kMarkers[] = {".i.ua/err/"};

constexpr CodeReason kNumbers[] = {
    {"1", "norelaying"},  {"2", "userunknown"}, {"3", "suspend"},  {"4", "mailboxfull"}, {"5", "toomanyconn"},
    {"6", "norelaying"},  {"7", "blocked"},     {"8", "rejected"}, {"9", "blocked"},     {"10", "filtered"},
};

std::string_view reason(const classify::Evidence& e) {
    std::string_view number = token_after(e.diagnostic, ".i.ua/err/");
    std::size_t digits = 0;
    while (digits < number.size() && text::is_digit(number[digits])) ++digits;
    return reason_of_code(kNumbers, number.substr(0, digits));
}

}  // namespace

const Provider iua{"iua", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost

// Orange / Wanadoo and La Poste (France): replies end with a code such as "OFR_416",
// "OFR006_102" or "LPN007_426" whose last three digits are the published error number.
#include "dsn/rhosts/provider.hpp"

#include "dsn/text.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"orange.fr", "wanadoo.fr", "laposte.net", "francetelecom.fr"};
constexpr std::string_view kDomains[] = {"orange.fr", "wanadoo.fr", "laposte.net", "voila.fr"};
constexpr std::string_view kMarkers[] = {"ofr_", "ofr0", "ofr1", "lpn0", "lpn1", "lpn_", "ouk_"};

// Numbers whose meaning is "try later" without a cause map to "undefined".
constexpr CodeReason kNumbers[] = {
    {"102", "blocked"},       {"103", "blocked"},       {"104", "toomanyconn"},   {"105", "undefined"},
    {"108", "undefined"},     {"109", "undefined"},     {"201", "undefined"},     {"305", "securityerror"},
    {"401", "blocked"},       {"402", "securityerror"}, {"403", "rejected"},      {"405", "rejected"},
    {"415", "rejected"},      {"416", "userunknown"},   {"417", "mailboxfull"},   {"418", "userunknown"},
    {"420", "suspend"},       {"421", "rejected"},      {"423", "undefined"},     {"424", "undefined"},
    {"426", "suspend"},       {"505", "systemerror"},   {"506", "spamdetected"},  {"510", "blocked"},
    {"513", "undefined"},     {"514", "mesgtoobig"},    {"630", "policyviolation"}, {"999", "blocked"},
};

// "OFR_416" / "OFR006_102" / "LPN105-104" -> "416" / "102" / "104".
std::string_view error_number(std::string_view diagnostic) {
    for (std::string_view prefix : {"ofr", "lpn", "ouk"}) {
        for (std::size_t at = text::ifind(diagnostic, prefix); at != std::string_view::npos;
             at = text::ifind(diagnostic, prefix, at + 1)) {
            if (at > 0 && (text::is_alpha(diagnostic[at - 1]) || text::is_digit(diagnostic[at - 1]))) continue;
            std::string_view token = token_after(diagnostic.substr(at), prefix);
            if (token.size() < 4) continue;
            std::string_view last = token.substr(token.size() - 3);
            char sep = token[token.size() - 4];
            if ((sep == '_' || sep == '-') && text::is_digit(last[0]) && text::is_digit(last[1]) &&
                text::is_digit(last[2]))
                return last;
        }
    }
    return {};
}

std::string_view reason(const classify::Evidence& e) {
    std::string_view number = error_number(e.diagnostic);
    if (number.empty()) return {};
    std::string_view known = reason_of_code(kNumbers, number);
    return known.empty() ? std::string_view{"undefined"} : known;
}

}  // namespace

const Provider franceptt{"franceptt", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost

// au by KDDI (ezweb.ne.jp, au.com): a bare "550 : User unknown" means the recipient's own
// receive filter refused the mail; "<address>: User unknown" means the address does not exist.
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"ezweb.ne.jp", "au.com"};
constexpr std::string_view kDomains[] = {"ezweb.ne.jp", "au.com"};

constexpr ReplyRule kRules[] = {
    {"", ">: user unknown", "userunknown"},
    {"", "550 : user unknown", "filtered"},
    {"", ": user unknown", "filtered"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider kddi{"kddi", kHosts, kDomains, {}, reason};

}  // namespace dsn::rhost

// Cloudflare Email Routing (MX *.mx.cloudflare.net), which forwards a domain's mail elsewhere. Its
// postmaster page (developers.cloudflare.com/email-routing/postmaster/) names the refusals: the
// sending IP "found on one or more DNSBLs", and "Upstream error" when the destination it forwards
// to failed, which says nothing about the address.
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"mx.cloudflare.net"};
constexpr std::string_view kMarkers[] = {"developers.cloudflare.com/email-routing"};

constexpr ReplyRule kRules[] = {
    {"", "found on one or more dnsbls", "blocked"},
    {"", "found on one or more rbls", "blocked"},
    {"", "upstream error", "systemerror"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider cloudflare{"cloudflare", kHosts, {}, kMarkers, reason};

}  // namespace dsn::rhost

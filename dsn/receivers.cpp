// The receiver-family table. Families that have a reply table in dsn/rhosts/ reuse that provider's
// host and domain lists (and its reply markers) and add only what the provider file does not list;
// the rest (filtering gateways, providers whose replies need no special reading) are listed here.
// Host suffixes match the name itself or any subdomain: "google.com" covers aspmx.l.google.com,
// "outlook.com" covers every *.mail.protection.outlook.com and *.olc.protection.outlook.com.
#include "dsn/receivers.hpp"

#include "dsn/rhosts/provider.hpp"
#include "dsn/text.hpp"

#include <array>
#include <iterator>
#include <string>

namespace dsn::receivers {
namespace {

using Names = std::span<const std::string_view>;

struct Family {
    std::string_view name;
    const rhost::Provider* provider;  // its hosts, domains and markers count too; may be null
    Names hosts;                      // receiving MTA host suffixes beyond the provider's
    Names domains;                    // recipient domain suffixes beyond the provider's
    Names markers;                    // lower-case phrases only its replies contain (help links)
};

constexpr std::string_view kGoogleDomains[] = {"googlegroups.com"};
constexpr std::string_view kMicrosoftDomains[] = {"outlook.de", "outlook.es", "outlook.it", "hotmail.nl", "live.nl",
                                                  "live.de", "live.it", "windowslive.com", "passport.com"};
constexpr std::string_view kYahooHosts[] = {"mx.aol.com", "aol.net"};
constexpr std::string_view kYahooDomains[] = {"aol.co.uk", "aol.de", "aol.fr", "verizon.net"};
constexpr std::string_view kUnitedInternetHosts[] = {"gmx.net", "gmx.de", "gmx.com", "web.de", "kundenserver.de",
                                                     "1and1.com", "1und1.de", "ionos.de", "ionos.com", "mail.com"};
constexpr std::string_view kUnitedInternetDomains[] = {"gmx.de", "gmx.net", "gmx.at", "gmx.ch", "gmx.com",
                                                       "gmx.fr", "gmx.co.uk", "web.de", "mail.com", "online.de"};
constexpr std::string_view kOrangeHosts[] = {"orange.fr", "wanadoo.fr", "orange.com", "francetelecom.fr"};
constexpr std::string_view kOrangeDomains[] = {"orange.fr", "wanadoo.fr", "voila.fr"};
constexpr std::string_view kComcast[] = {"comcast.net"};
constexpr std::string_view kMailRuHosts[] = {"mail.ru"};
constexpr std::string_view kMailRuDomains[] = {"mail.ru", "inbox.ru", "list.ru", "bk.ru", "internet.ru"};
constexpr std::string_view kYandexHosts[] = {"yandex.ru", "yandex.net", "yandex.com"};
constexpr std::string_view kYandexDomains[] = {"yandex.ru", "yandex.com", "ya.ru", "yandex.by", "yandex.kz",
                                               "yandex.ua", "narod.ru"};
constexpr std::string_view kProtonHosts[] = {"protonmail.ch", "proton.me", "protonmail.com"};
constexpr std::string_view kProtonDomains[] = {"protonmail.com", "protonmail.ch", "proton.me", "pm.me"};
constexpr std::string_view kFastmailHosts[] = {"messagingengine.com", "fastmail.com"};
constexpr std::string_view kFastmailDomains[] = {"fastmail.com", "fastmail.fm"};
constexpr std::string_view kProofpointHosts[] = {"pphosted.com", "ppe-hosted.com"};
constexpr std::string_view kProofpointMarkers[] = {"proofpoint.com", "pphosted.com"};
constexpr std::string_view kUnitedInternetMarkers[] = {"postmaster.gmx.", "postmaster.web.de"};
constexpr std::string_view kOrangeMarkers[] = {"ofr_", "ofr0", "ofr1"};
constexpr std::string_view kMailRuMarkers[] = {"help.mail.ru", "postmaster.mail.ru"};
constexpr std::string_view kYandexMarkers[] = {"yandex.ru/support", "yandex.com/support"};
constexpr std::string_view kBarracudaMarkers[] = {"barracudanetworks.com", "barracudacentral.org"};
constexpr std::string_view kCiscoMarkers[] = {"iphmx.com"};
constexpr std::string_view kBarracudaHosts[] = {"barracudanetworks.com", "cudamail.com"};
constexpr std::string_view kCiscoHosts[] = {"iphmx.com"};
constexpr std::string_view kTrendMicroHosts[] = {"trendmicro.com", "trendmicro.eu"};

// Order matters only between families sharing a suffix; none do today.
const Family kFamilies[] = {
    {"google", &rhost::google, {}, kGoogleDomains, {}},
    {"microsoft", &rhost::microsoft, {}, kMicrosoftDomains, {}},
    {"yahoo", &rhost::yahoo, kYahooHosts, kYahooDomains, {}},
    {"apple", &rhost::apple, {}, {}, {}},
    {"gmx_webde", nullptr, kUnitedInternetHosts, kUnitedInternetDomains, kUnitedInternetMarkers},
    {"orange", nullptr, kOrangeHosts, kOrangeDomains, kOrangeMarkers},
    {"comcast", nullptr, kComcast, kComcast, {}},
    {"mailru", nullptr, kMailRuHosts, kMailRuDomains, kMailRuMarkers},
    {"yandex", nullptr, kYandexHosts, kYandexDomains, kYandexMarkers},
    {"tencent", &rhost::tencent, {}, {}, {}},
    {"zoho", &rhost::zoho, {}, {}, {}},
    {"proton", nullptr, kProtonHosts, kProtonDomains, {}},
    {"fastmail", nullptr, kFastmailHosts, kFastmailDomains, {}},
    {"cox", &rhost::cox, {}, {}, {}},
    {"spectrum", &rhost::spectrum, {}, {}, {}},
    {"godaddy", &rhost::godaddy, {}, {}, {}},
    {"kddi", &rhost::kddi, {}, {}, {}},
    {"nttdocomo", &rhost::nttdocomo, {}, {}, {}},
    {"proofpoint", nullptr, kProofpointHosts, {}, kProofpointMarkers},
    {"mimecast", &rhost::mimecast, {}, {}, {}},
    {"barracuda", nullptr, kBarracudaHosts, {}, kBarracudaMarkers},
    {"cisco", nullptr, kCiscoHosts, {}, kCiscoMarkers},
    {"trendmicro", nullptr, kTrendMicroHosts, {}, {}},
    {"messagelabs", &rhost::messagelabs, {}, {}, {}},
};

constexpr std::string_view kOther = "other";

const auto kNames = [] {
    std::array<std::string_view, std::size(kFamilies) + 1> names{};
    for (std::size_t i = 0; i < std::size(kFamilies); ++i) names[i] = kFamilies[i].name;
    names.back() = kOther;
    return names;
}();

std::string_view without_final_dots(std::string_view name) {
    while (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return name;
}

bool within_any(std::string_view name, Names suffixes) {
    for (auto suffix : suffixes)
        if (rhost::is_within(name, suffix)) return true;
    return false;
}

const Family* by_host(std::string_view host) {
    host = without_final_dots(host);
    if (host.empty()) return nullptr;
    for (const Family& f : kFamilies)
        if (within_any(host, f.hosts) || (f.provider && within_any(host, f.provider->hosts))) return &f;
    return nullptr;
}

const Family* by_domain(std::string_view domain) {
    domain = without_final_dots(domain);
    if (domain.empty()) return nullptr;
    for (const Family& f : kFamilies)
        if (within_any(domain, f.domains) || (f.provider && within_any(domain, f.provider->domains))) return &f;
    return nullptr;
}

// The family's own markers, for families whose replies dsn/rhosts/ does not read.
const Family* by_own_marker(std::string_view diagnostic) {
    std::string lower(diagnostic);
    for (char& c : lower) c = text::lower(c);
    for (const Family& f : kFamilies)
        for (auto marker : f.markers)
            if (lower.find(marker) != std::string::npos) return &f;
    return nullptr;
}

const Family* by_provider(const rhost::Provider* provider) {
    if (!provider) return nullptr;
    for (const Family& f : kFamilies)
        if (f.provider == provider) return &f;
    return nullptr;
}

}  // namespace

std::span<const std::string_view> families() { return kNames; }

std::string_view receiver_of(std::string_view remote_mta, std::string_view recipient, std::string_view diagnostic) {
    const Family* family = by_host(remote_mta);
    if (!family && !diagnostic.empty()) family = by_provider(rhost::provider_named_in(diagnostic));
    if (!family && !diagnostic.empty()) family = by_own_marker(diagnostic);
    if (!family) {
        const std::size_t at = recipient.rfind('@');
        if (at != std::string_view::npos) family = by_domain(recipient.substr(at + 1));
    }
    return family ? family->name : kOther;
}

}  // namespace dsn::receivers

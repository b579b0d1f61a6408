// Picks the receiving provider a reply came from and asks its table. The receiving host decides
// when it is known (Remote-MTA, "host X said"); otherwise the recipient's domain. A phrase only
// one provider writes (its error-code page, its code prefix) also identifies it, because relays
// and SES-style reports often drop the host name.
#include "dsn/rhost.hpp"

#include "dsn/rhosts/provider.hpp"
#include "dsn/phrase_index.hpp"
#include "dsn/text.hpp"

#include <bit>
#include <cstdint>
#include <iterator>
#include <vector>

namespace dsn::rhost {
namespace {

constexpr const Provider* kProviders[] = {
    &google, &microsoft, &yahoo, &apple, &cox, &spectrum, &godaddy,
    &franceptt, &tencent, &kddi, &nttdocomo, &iua, &mimecast, &zoho, &messagelabs, &cloudflare,
};

std::string_view domain_of(std::string_view recipient) {
    std::size_t at = recipient.rfind('@');
    return at == std::string_view::npos ? std::string_view{} : recipient.substr(at + 1);
}

// is_within, with the last byte compared first: a provider lists many names and almost every
// one ends differently from the name asked about, so the full comparison is rarely needed.
bool ends_within(std::string_view name_without_final_dot, std::string_view suffix) {
    if (!suffix.empty() && !name_without_final_dot.empty() &&
        text::lower(name_without_final_dot.back()) != text::lower(suffix.back()))
        return false;
    return is_within(name_without_final_dot, suffix);
}

std::string_view without_final_dots(std::string_view name) {
    while (!name.empty() && name.back() == '.') name.remove_suffix(1);
    return name;
}

const Provider* by_host(std::string_view host) {
    host = without_final_dots(host);
    for (const Provider* p : kProviders)
        for (auto suffix : p->hosts)
            if (ends_within(host, suffix)) return p;
    return nullptr;
}

const Provider* by_domain(std::string_view domain) {
    domain = without_final_dots(domain);
    for (const Provider* p : kProviders)
        for (auto suffix : p->domains)
            if (ends_within(domain, suffix)) return p;
    return nullptr;
}

// Every provider's markers in one automaton, each tagged with its provider's place in
// kProviders: the lowest provider with a marker in the text is the first one the table names.
// Searching the reply once per marker was half the cost of picking the provider.
const text::PhraseIndex& marker_index() {
    static const text::PhraseIndex index = [] {
        std::vector<std::string_view> markers;
        std::vector<std::uint8_t> providers;
        for (std::size_t i = 0; i < std::size(kProviders); ++i)
            for (auto marker : kProviders[i]->markers) {
                markers.push_back(marker);
                providers.push_back(static_cast<std::uint8_t>(i));
            }
        return text::PhraseIndex(markers, providers);
    }();
    return index;
}

const Provider* by_marker(std::string_view diagnostic) {
    static_assert(std::size(kProviders) <= 64, "a provider's place must fit a PhraseIndex group");
    const std::uint64_t found = marker_index().scan(diagnostic).groups;
    return found == 0 ? nullptr : kProviders[std::countr_zero(found)];
}

// RFC 3463 details have one or two digits; three-digit details (5.4.312, 5.7.606, 5.1.351) are
// Exchange's own extensions, so such a status names Microsoft even without a host name.
bool is_exchange_status(std::string_view status) {
    std::size_t last_dot = status.rfind('.');
    return last_dot != std::string_view::npos && status.size() - last_dot - 1 == 3 &&
           text::is_digit(status[last_dot + 1]) && status[last_dot + 1] != '0';
}

}  // namespace

const Provider* provider_named_in(std::string_view diagnostic) { return by_marker(diagnostic); }

std::string_view reason_for(const classify::Evidence& evidence) {
    if (evidence.diagnostic.empty() && evidence.status.empty()) return {};
    const Provider* provider = nullptr;
    if (!evidence.remote_mta.empty()) provider = by_host(evidence.remote_mta);
    if (!provider) provider = by_marker(evidence.diagnostic);
    if (!provider && is_exchange_status(evidence.status)) provider = &microsoft;
    // An address literal names no provider; the recipient's domain still does.
    bool host_unnamed = evidence.remote_mta.empty() || evidence.remote_mta.front() == '[' ||
                        text::is_digit(evidence.remote_mta.front());
    if (!provider && host_unnamed) provider = by_domain(domain_of(evidence.recipient));
    return provider ? provider->reason(evidence) : std::string_view{};
}

}  // namespace dsn::rhost

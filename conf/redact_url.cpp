#include "conf/redact_url.hpp"

namespace conf {

std::string redact_url(std::string_view url) {
    const auto scheme = url.find("://");
    const std::size_t authority_start = scheme == std::string_view::npos ? 0 : scheme + 3;
    const auto authority_end = url.find('/', authority_start);
    const std::string_view authority =
        url.substr(authority_start, authority_end == std::string_view::npos ? std::string_view::npos
                                                                            : authority_end - authority_start);
    const auto at = authority.rfind('@');
    if (at == std::string_view::npos) return std::string(url);
    const std::string_view userinfo = authority.substr(0, at);
    const auto colon = userinfo.find(':');
    std::string out(url.substr(0, authority_start));
    if (colon != std::string_view::npos) out.append(userinfo.substr(0, colon + 1));
    out.append("***");
    out.append(url.substr(authority_start + at));
    return out;
}

}  // namespace conf

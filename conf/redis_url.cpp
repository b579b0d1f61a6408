#include "conf/redis_url.hpp"

#include <charconv>

namespace conf {
namespace {

bool parse_int(std::string_view s, int& out, int min, int max) {
    int v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || v < min || v > max) return false;
    out = v;
    return true;
}

std::string percent_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size()) {
            int v = 0;
            auto [ptr, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, v, 16);
            if (ec == std::errc() && ptr == s.data() + i + 3) {
                out.push_back(static_cast<char>(v));
                i += 2;
                continue;
            }
        }
        out.push_back(s[i]);
    }
    return out;
}

}  // namespace

std::optional<RedisEndpoint> parse_redis_url(const std::string& url, std::string& error) {
    const std::string scheme = "redis://";
    if (url.rfind(scheme, 0) != 0) {
        error = "redis url must start with redis:// (TLS rediss:// is not supported)";
        return std::nullopt;
    }
    // A redis url has no query or fragment. A raw '?' or '#' (in a password, say) would be read one
    // way here and another by anything that follows RFC 3986 (log redaction, an operator's eye).
    if (url.find_first_of("?#") != std::string::npos) {
        error = "redis url must not contain '?' or '#': percent-encode them in a password (%3F, %23) or use "
                "[redis] password_file";
        return std::nullopt;
    }
    RedisEndpoint ep;
    std::string_view rest(url);
    rest.remove_prefix(scheme.size());
    std::string_view path;
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        path = rest.substr(slash + 1);
        rest = rest.substr(0, slash);
    }
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        const std::string_view userinfo = rest.substr(0, at);
        rest = rest.substr(at + 1);
        if (auto colon = userinfo.find(':'); colon != std::string_view::npos) {
            ep.username = percent_decode(userinfo.substr(0, colon));
            ep.password = percent_decode(userinfo.substr(colon + 1));
        } else {
            ep.password = percent_decode(userinfo);  // redis://secret@host: password only
        }
    }
    std::string_view host = rest;
    if (!rest.empty() && rest.front() == '[') {  // [IPv6]:port
        auto close = rest.find(']');
        if (close == std::string_view::npos) {
            error = "redis url: unterminated [IPv6] host";
            return std::nullopt;
        }
        host = rest.substr(1, close - 1);
        rest = rest.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || !parse_int(rest.substr(1), ep.port, 1, 65535))) {
            error = "redis url: bad port";
            return std::nullopt;
        }
    } else if (auto colon = rest.rfind(':'); colon != std::string_view::npos) {
        host = rest.substr(0, colon);
        if (!parse_int(rest.substr(colon + 1), ep.port, 1, 65535)) {
            error = "redis url: bad port";
            return std::nullopt;
        }
    }
    if (!host.empty()) ep.host = std::string(host);
    if (!path.empty() && !parse_int(path, ep.db, 0, 1 << 20)) {
        error = "redis url: database must be a number";
        return std::nullopt;
    }
    return ep;
}

}  // namespace conf

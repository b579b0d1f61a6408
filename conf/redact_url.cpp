#include "conf/redact_url.hpp"

namespace conf {

namespace {

// "a=1&password=x&flag" -> "a=***&password=***&flag"
std::string redact_query(std::string_view query) {
    std::string out;
    while (true) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        const auto eq = pair.find('=');
        out.append(pair.substr(0, eq));
        if (eq != std::string_view::npos) out.append("=***");
        if (amp == std::string_view::npos) break;
        out.push_back('&');
        query.remove_prefix(amp + 1);
    }
    return out;
}

// What follows the path: "?a=1&b=2#frag" -> "?a=***&b=***#***"; "" stays "".
std::string redact_tail(std::string_view tail) {
    std::string out;
    if (tail.empty()) return out;
    const auto hash = tail.find('#');
    if (tail.front() == '?') {
        out.push_back('?');
        out.append(redact_query(tail.substr(1, hash == std::string_view::npos ? std::string_view::npos : hash - 1)));
    }
    if (hash != std::string_view::npos) out.append("#***");
    return out;
}

}  // namespace

std::string redact_url(std::string_view url) {
    // A '?' or '#' before the URL's last '@' (and no '/' between) may belong to a password written
    // without percent-encoding: "redis://:pa#ss@host". parse_redis_url refuses such a url, and its
    // error quotes it through here; cutting the tail off at that '#' first would print "pa". So the
    // userinfo then runs to that '@', whatever a strict reader would call it (hiding a host in a query
    // like "?to=a@b" is the lesser harm).
    if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
        const std::size_t authority_start = scheme + 3;
        const auto last_at = url.rfind('@');
        const auto delimiter = url.find_first_of("?#", authority_start);
        if (last_at != std::string_view::npos && last_at > authority_start && delimiter < last_at &&
            url.substr(authority_start, last_at - authority_start).find('/') == std::string_view::npos) {
            const std::string_view userinfo = url.substr(authority_start, last_at - authority_start);
            const auto colon = userinfo.find(':');
            std::string out(url.substr(0, authority_start));
            if (colon != std::string_view::npos) out.append(userinfo.substr(0, colon + 1));  // the user, as parsed
            // After the '@' (no other '@' there): host and path as they are, then query and fragment redacted.
            const std::string_view after = url.substr(last_at + 1);
            const auto cut = after.find_first_of("?#");
            out.append("***@").append(after.substr(0, cut));
            if (cut != std::string_view::npos) out.append(redact_tail(after.substr(cut)));
            return out;
        }
    }
    const auto tail_start = url.find_first_of("?#");
    std::string_view head = url.substr(0, tail_start);
    const std::string_view tail = tail_start == std::string_view::npos ? std::string_view() : url.substr(tail_start);

    std::string out;
    const auto scheme = head.find("://");
    const std::size_t authority_start = scheme == std::string_view::npos ? 0 : scheme + 3;
    const auto authority_end = head.find('/', authority_start);
    const std::string_view authority = head.substr(
        authority_start, authority_end == std::string_view::npos ? std::string_view::npos : authority_end - authority_start);
    // Userinfo normally ends at the authority's last '@' (what parse_redis_url takes as the password).
    // Without one there, an '@' further on may end a password holding a '/', or one in a URL whose
    // "://" was mistyped: everything up to it is hidden.
    std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) at += authority_start;
    else at = head.rfind('@');
    if (at == std::string_view::npos || at < authority_start) {
        out.append(head);
    } else if (scheme == std::string_view::npos && authority.find('@') == std::string_view::npos) {
        out.append("***").append(head.substr(at));
    } else {
        const std::string_view userinfo = head.substr(authority_start, at - authority_start);
        const auto colon = userinfo.find(':');
        out.append(head.substr(0, authority_start));
        // A user name before ':' is kept (it tells which account); without ':' the whole part is a password.
        if (colon != std::string_view::npos && userinfo.substr(0, colon).find('/') == std::string_view::npos)
            out.append(userinfo.substr(0, colon + 1));
        out.append("***").append(head.substr(at));
    }

    out.append(redact_tail(tail));
    return out;
}

}  // namespace conf

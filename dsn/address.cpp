#include "dsn/address.hpp"

#include "dsn/text.hpp"

#include <algorithm>

namespace dsn::address {
namespace {

// Which bytes may appear in a local part and in a domain, as tables: every address of every
// message is checked byte by byte, and the chains of comparisons were most of that work.
struct AddressBytes {
    bool local[256] = {};
    bool domain[256] = {};
    constexpr AddressBytes() {
        for (int c = 0; c < 256; ++c) {
            const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            local[c] = alnum || c >= 0x80 || std::string_view(".!#$%&'*+-/=?^_`{|}~").find(static_cast<char>(c)) !=
                                                 std::string_view::npos;
            domain[c] = alnum || c >= 0x80 || c == '.' || c == '-' || c == '_';
        }
    }
};
constexpr AddressBytes kAddressBytes;

bool is_local_char(char c) { return kAddressBytes.local[static_cast<unsigned char>(c)]; }
bool is_domain_char(char c) { return kAddressBytes.domain[static_cast<unsigned char>(c)]; }

// Grows an address outwards from the '@' at `at`.
std::string_view expand_around(std::string_view s, std::size_t at) {
    std::size_t begin = at;
    while (begin > 0 && is_local_char(s[begin - 1])) --begin;
    std::size_t end = at + 1;
    if (end < s.size() && s[end] == '[') {
        std::size_t close = s.find(']', end);
        if (close == std::string_view::npos) return {};
        end = close + 1;
    } else {
        while (end < s.size() && is_domain_char(s[end])) ++end;
    }
    // Sentence punctuation after a domain ("...@example.com.") is not part of it.
    while (end > at + 1 && (s[end - 1] == '.' || s[end - 1] == '-')) --end;
    while (begin < at && s[begin] == '.') ++begin;
    return s.substr(begin, end - begin);
}

}  // namespace

bool is_plausible(std::string_view addr) {
    std::size_t at = addr.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= addr.size()) return false;
    if (addr.size() > 320) return false;
    std::string_view local = addr.substr(0, at);
    std::string_view domain = addr.substr(at + 1);
    for (char c : local)
        if (!is_local_char(c) && c != '"' && c != '@') return false;
    if (domain.front() == '[') return domain.back() == ']';
    if (domain.find('.') == std::string_view::npos) return false;
    if (domain.front() == '.' || domain.back() == '.' || domain.find("..") != std::string_view::npos)
        return false;
    for (char c : domain)
        if (!is_domain_char(c)) return false;
    return true;
}

std::string normalize(std::string_view raw) {
    std::string_view s = text::trim(raw);
    // Address-type prefix of RFC 3464 fields: "rfc822;", "utf-8;" (RFC 6533), "x-...;".
    if (std::size_t semi = s.find(';'); semi != std::string_view::npos && semi < 16 &&
                                        s.substr(0, semi).find('@') == std::string_view::npos) {
        s = text::trim(s.substr(semi + 1));
    }
    // Prefer an explicitly bracketed address.
    if (std::size_t lt = s.find('<'); lt != std::string_view::npos) {
        std::size_t gt = s.find('>', lt);
        if (gt != std::string_view::npos) {
            std::string_view inner = text::trim(s.substr(lt + 1, gt - lt - 1));
            if (inner.find('@') != std::string_view::npos) s = inner;
        }
    }
    // A whole quoted local part ("john doe"@example.com) is kept as written.
    std::size_t at = s.rfind('@');
    if (at == std::string_view::npos) return {};
    std::string_view candidate = s;
    if (!is_plausible(candidate) || candidate.find(' ') != std::string_view::npos) {
        candidate = expand_around(s, at);
    }
    while (!candidate.empty() && (candidate.front() == '\'' || candidate.front() == '`'))
        candidate.remove_prefix(1);
    while (!candidate.empty() && (candidate.back() == '\'' || candidate.back() == '`'))
        candidate.remove_suffix(1);
    // A whole address in quotes ("a@b") loses them; a quoted local part ("a..b"@c) is handled below.
    if (candidate.size() > 2 && candidate.front() == '"' && candidate.back() == '"')
        candidate = candidate.substr(1, candidate.size() - 2);
    if (!is_plausible(candidate)) return {};
    std::string out = text::to_lower(candidate);
    // "neko..nyaan"@example.org: the quotes only protect the local part; mail systems and
    // listmonk store the address without them.
    if (out.size() > 3 && out.front() == '"') {
        std::size_t close = out.find("\"@");
        if (close != std::string::npos && out.substr(1, close - 1).find_first_of(" \\\"") == std::string::npos)
            out = out.substr(1, close - 1) + out.substr(close + 1);
    }
    return out;
}

std::vector<std::string> find_all(std::string_view s) {
    std::vector<std::string> found;
    for (std::size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
        std::string_view candidate = expand_around(s, at);
        while (!candidate.empty() && (candidate.front() == '\'' || candidate.front() == '`'))
            candidate.remove_prefix(1);
        if (!is_plausible(candidate)) continue;
        std::string addr = text::to_lower(candidate);
        if (std::find(found.begin(), found.end(), addr) == found.end()) found.push_back(std::move(addr));
    }
    return found;
}

std::string find_first(std::string_view s) {
    for (std::size_t at = s.find('@'); at != std::string_view::npos; at = s.find('@', at + 1)) {
        std::string_view candidate = expand_around(s, at);
        if (is_plausible(candidate)) return text::to_lower(candidate);
    }
    return {};
}

bool is_mailer_daemon(std::string_view addr) {
    std::string_view local = addr.substr(0, addr.find('@'));
    // The daemons of old MTAs (MMDF, MDaemon, UUCP gateways) signed their notices the same way.
    static constexpr std::string_view system_names[] = {"mailer-daemon", "postmaster", "mail-daemon", "maildaemon",
                                                        "mailerdaemon",  "root",       "mmdf",        "mdaemon",
                                                        "uucp",          "daemon",     "mailer"};
    for (auto name : system_names)
        if (text::iequals(local, name)) return true;
    return false;
}

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!(text::is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

}  // namespace dsn::address

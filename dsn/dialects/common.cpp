#include "dsn/dialects/common.hpp"

#include "dsn/address.hpp"
#include "dsn/dialect.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <iterator>

namespace dsn::dialects {
namespace {

// Lines that announce the copy of the original message, lower case.
constexpr std::string_view kReturnedMarkers[] = {
    "below this line is a copy of the message",
    "this is a copy of the message, including all the headers",
    "------ this is a copy of the message",
    "----- original message -----",
    "original message follows",
    "original message headers",
    "message headers follow",
    "below is a copy of the original message",
    "------- returned message --------",
    "----- unsent message follows -----",
    "----- message header follows -----",
    "the original message was:",
    "--- the header of the original message is following. ---",
    "content-type: message/rfc822",
    "------ this is a copy of your message",
    "received: from",
    // MTA and appliance dialects
    "--- enclosed is a copy of the message",
};

bool is_command(std::string_view word) {
    return text::iequals(word, "MAIL") || text::iequals(word, "RCPT") || text::iequals(word, "DATA") ||
           text::iequals(word, "HELO") || text::iequals(word, "EHLO") || text::iequals(word, "CONN");
}

bool opens_marker_line(char c) { return c == ' ' || c == '-' || c == '\t' || c == '=' || c == '*' || c == '>'; }

// Which bytes (lower case) can begin a marker, so most lines are passed over after one look, and
// where each marker's first byte other than '-' lies: inside a long rule of dashes that byte rules
// a marker out at once.
struct MarkerStarts {
    static constexpr std::size_t kCount = std::size(kReturnedMarkers);
    static_assert(kCount <= 32, "a marker's place must fit the 32-bit masks below");
    std::uint32_t table[256] = {};  // bit i: marker i begins with this (lower-case) byte
    std::size_t after_dashes[kCount] = {};
    constexpr MarkerStarts() {
        for (std::size_t i = 0; i < kCount; ++i) {
            const std::string_view marker = kReturnedMarkers[i];
            table[static_cast<unsigned char>(marker[0])] |= std::uint32_t{1} << i;
            std::size_t k = 0;
            while (k + 1 < marker.size() && marker[k] == '-') ++k;
            after_dashes[i] = k == 0 ? 1 : k;  // every marker is longer than one byte
        }
    }
    std::uint32_t starting_with(char lower_c) const { return table[static_cast<unsigned char>(lower_c)]; }
};
constexpr MarkerStarts kMarkerStarts;

}  // namespace

// A marker counts only where it first occurs, and only when that first occurrence opens a line
// (after optional dashes, spaces, '=', '*', '>'); the cut is the earliest such line. Walking the
// line openings in order, the first marker met there that has not occurred before gives the cut,
// and each marker's occurrences elsewhere are looked for only when one opens a line. Searching
// the whole text once per marker was a sixth of the classification work.
std::string_view before_returned_message(std::string_view t) {
    std::uint32_t occurred_earlier = 0;  // bit i: marker i occurs before the current line
    std::size_t line = 0;
    while (line < t.size()) {
        std::size_t eol = t.find('\n', line);
        if (eol == std::string_view::npos) eol = t.size();
        for (std::size_t q = line; q < eol; ++q) {
            for (std::uint32_t candidates = kMarkerStarts.starting_with(text::lower(t[q])) & ~occurred_earlier;
                 candidates != 0; candidates &= candidates - 1) {
                const auto i = static_cast<std::size_t>(std::countr_zero(candidates));
                const std::string_view marker = kReturnedMarkers[i];
                const std::string_view rest = t.substr(q, eol - q);
                const std::size_t probe = kMarkerStarts.after_dashes[i];
                if (rest.size() < marker.size() || text::lower(rest[probe]) != marker[probe] ||
                    !text::istarts_with(rest, marker))
                    continue;
                if (text::ifind(t.substr(0, q + marker.size()), marker) == q) return t.substr(0, line);
                occurred_earlier |= std::uint32_t{1} << i;
            }
            if (!opens_marker_line(t[q])) break;
        }
        line = eol + 1;
    }
    return t;
}

void complete_from_diagnostic(Finding& f) {
    std::string_view d = f.diagnostic;
    if (f.status.empty()) f.status = smtp::find_status(d);
    if (f.reply_code.empty()) f.reply_code = smtp::find_reply_code(d);
    if (f.smtp_command.empty()) {
        if (std::size_t at = text::ifind(d, "in reply to "); at != std::string_view::npos) {
            std::string_view rest = d.substr(at + 12);
            std::size_t end = rest.find_first_of(" \t");
            std::string_view word = rest.substr(0, end);
            if (text::iequals(word, "end")) word = "DATA";  // "in reply to end of DATA command"
            if (is_command(word)) {
                f.smtp_command = std::string(word);
                for (auto& c : f.smtp_command) c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c;
            }
        }
    }
    if (f.remote_mta.empty()) {
        // Postfix: "host mx.example.net[192.0.2.1] said:"
        if (std::size_t at = text::ifind(d, "host "); at != std::string_view::npos) {
            std::string_view rest = d.substr(at + 5);
            std::size_t end = rest.find_first_of("[ \t");
            std::string_view host = rest.substr(0, end);
            if (host.find('.') != std::string_view::npos && host.find('@') == std::string_view::npos &&
                end != std::string_view::npos && rest[end] == '[')
                f.remote_mta = text::to_lower(host);
        }
    }
}

std::string_view text_head(const Message& message, std::size_t limit) {
    return std::string_view(message.text).substr(0, limit);
}

bool from_mailer_daemon(const Message& message) {
    const std::string& addr = message.from_address();
    if (addr.empty()) return text::icontains(message.from, "mailer-daemon") || text::icontains(message.from, "postmaster");
    return address::is_mailer_daemon(addr);
}

std::string unquote(std::string_view t) {
    std::string out;
    out.reserve(t.size());
    for (auto line : text::split_lines(t)) {
        while (!line.empty() && line.front() == '>') {
            line.remove_prefix(1);
            if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
        }
        out.append(line);
        out.push_back('\n');
    }
    return out;
}

std::vector<Finding> decode_inline_delivery_status(std::string_view t) {
    std::size_t start = text::ifind(t, "final-recipient:");
    if (start == std::string_view::npos) start = text::ifind(t, "original-recipient:");
    if (start == std::string_view::npos) return {};
    std::size_t reporting = text::ifind(t, "reporting-mta:");
    if (reporting != std::string_view::npos && reporting < start) start = reporting;
    std::size_t line = t.rfind('\n', start);
    start = line == std::string_view::npos ? 0 : line + 1;
    Message pseudo;
    pseudo.delivery_status.emplace_back(t.substr(start));
    return decode_rfc3464(pseudo);
}

std::vector<Finding> decode_address_paragraphs(std::string_view t) {
    std::vector<Finding> findings;
    std::string diagnostic;
    bool open = false;  // the last finding's paragraph has not ended yet
    auto close = [&] {
        if (open) {
            findings.back().diagnostic = smtp::clean_diagnostic(diagnostic);
            complete_from_diagnostic(findings.back());
        }
        open = false;
    };
    for (std::string_view line : text::split_lines(t)) {
        if (text::trim(line).empty()) {
            close();
            continue;
        }
        if (line[0] == ' ' || line[0] == '\t') {
            if (open) {
                diagnostic.push_back(' ');
                diagnostic.append(text::trim(line));
            }
            continue;
        }
        std::string_view rest;
        std::string addr;
        if (line[0] == '<') {
            std::size_t gt = line.find('>');
            if (gt == std::string_view::npos) continue;
            addr = address::normalize(line.substr(0, gt + 1));
            rest = line.substr(gt + 1);
            // "(expanded from <alias>)": the bounce is about the final address; keep that one.
            if (text::istarts_with(text::trim(rest), "(expanded from")) {
                std::size_t paren = rest.find(')');
                rest = paren == std::string_view::npos ? std::string_view{} : rest.substr(paren + 1);
            }
        } else {
            std::size_t colon = line.find(": ");
            if (colon != std::string_view::npos && line.substr(0, colon).find(' ') == std::string_view::npos) {
                addr = address::normalize(line.substr(0, colon));
                rest = line.substr(colon);
            }
        }
        rest = text::trim(rest);
        if (addr.empty() || rest.empty() || rest[0] != ':') {
            // A wrapped reply line that was not indented ("<a@b>... User unknown").
            if (open) {
                diagnostic.push_back(' ');
                diagnostic.append(text::trim(line));
            }
            continue;
        }
        close();
        Finding f;
        f.recipient = std::move(addr);
        findings.push_back(std::move(f));
        diagnostic.assign(text::trim(rest.substr(1)));
        open = true;
    }
    close();
    return findings;
}

}  // namespace dsn::dialects

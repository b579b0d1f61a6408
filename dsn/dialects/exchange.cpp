// Exchange 2007 and later, Office 365 / Exchange Online: subject "Undeliverable: <subject>" (often
// localized), `X-MS-Exchange-*` headers, a human part that lists the recipients ("Delivery has
// failed to these recipients or groups:", "<host> rejected your message to the following email
// addresses:", localized variants) with "<mailto:...>" links, then "Diagnostic information for
// administrators" where each recipient's address stands on its own line followed by the server's
// answer: "Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'", "<date> -
// Server at <host> returned '...'" or, in 2007, "#550 5.1.1 RESOLVER.ADR.RecipNotFound; not
// found ##". Those answer lines stay in English whatever the language of the rest, so they are
// what this decoder reads. An RFC 3464 part, when present, is read by the generic decoder.
#include "dsn/address.hpp"
#include "dsn/dialect.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/dialects/dialects.hpp"
#include "dsn/smtp_codes.hpp"
#include "dsn/text.hpp"

namespace dsn::dialects {
namespace {

// Exchange's own diagnostic codes and status details, and the reason each stands for.
struct ExchangeCode {
    std::string_view token;  // lower case, found in the server's answer
    std::string_view reason;
};
constexpr ExchangeCode kExchangeCodes[] = {
    {"resolver.adr.recipnotfound", "userunknown"},
    {"resolver.adr.recipientnotfound", "userunknown"},
    {"resolver.adr.exrecipnotfound", "userunknown"},
    {"resolver.adr.badprimary", "userunknown"},
    {"resolver.rst.authrequired", "securityerror"},
    {"resolver.rst.notauthorized", "securityerror"},
    {"resolver.rst.recipsizelimit", "mesgtoobig"},
    {"resolver.rst.sendsizelimit", "mesgtoobig"},
    {"resolver.adr.recipientlimit", "toomanyconn"},
    {"queue.expired", "expired"},
    {"remote server returned unknown recipient or mailbox unavailable", "userunknown"},
    {" 4.4.312 ", "networkerror"},
    {" 5.4.312 ", "networkerror"},
    {" 4.4.316 ", "expired"},
    {" 5.4.316 ", "expired"},
};

// The quoted answer of "... returned '<answer>'" or of "#<answer> ##".
std::string_view answer_in(std::string_view line) {
    if (std::size_t at = text::ifind(line, " returned '"); at != std::string_view::npos) {
        std::string_view rest = line.substr(at + 11);
        std::size_t close = rest.rfind('\'');
        return close == std::string_view::npos ? rest : rest.substr(0, close);
    }
    if (line.size() > 4 && line[0] == '#' && text::is_digit(line[1])) {
        std::size_t close = line.find(" ##");
        return line.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1);
    }
    return {};
}

// "kijitora@example.com" alone on a line (the diagnostic section names each recipient so).
std::string bare_address(std::string_view line) {
    line = text::trim(line);
    if (line.empty() || line.find(' ') != std::string_view::npos || line.find('@') == std::string_view::npos)
        return {};
    return address::normalize(line);
}

void classify_answer(Finding& f) {
    std::string padded = " " + f.diagnostic + " ";
    for (const auto& code : kExchangeCodes) {
        if (text::icontains(padded, code.token)) {
            f.reason = std::string(code.reason);
            break;
        }
    }
}

// The recipient list of the human part: lines carrying "<mailto:addr>".
std::vector<Finding> listed_recipients(std::string_view body) {
    std::vector<Finding> findings;
    for (auto line : text::split_lines(body)) {
        std::size_t mailto = text::ifind(line, "<mailto:");
        if (mailto == std::string_view::npos) continue;
        std::string shown = address::normalize(text::trim(line.substr(0, mailto)));
        std::string linked = address::normalize(line.substr(mailto + 8));
        Finding f;
        f.recipient = !shown.empty() ? shown : linked;
        if (f.recipient.empty()) continue;
        bool seen = false;
        for (const auto& other : findings) seen = seen || other.recipient == f.recipient;
        if (!seen) findings.push_back(std::move(f));
    }
    return findings;
}

}  // namespace

bool exchange_matches(const Message& message) {
    for (const auto& field : message.headers.all())
        if (text::istarts_with(field.name, "x-ms-exchange-")) return true;
    if (text::istarts_with(message.subject, "undeliverable:")) return true;
    std::string_view head = text_head(message);
    return text::icontains(head, "delivery has failed to these recipients") ||
           text::icontains(head, "rejected your message to the following") ||
           text::icontains(head, "generating server:");
}

std::vector<Finding> exchange_decode(const Message& message) {
    std::string_view body = message.text;
    if (std::size_t original = text::ifind(body, "original message headers:"); original != std::string_view::npos)
        body = body.substr(0, original);
    std::vector<Finding> findings;
    std::string last_address;
    std::string last_host;
    for (auto line : text::split_lines(body)) {
        std::string_view content = text::trim(line);
        if (std::string addr = bare_address(content); !addr.empty()) {
            last_address = addr;
            last_host.clear();
            continue;
        }
        std::string_view answer = answer_in(content);
        if (answer.empty()) {
            // A host name alone between the address and the answer: the remote server.
            if (!last_address.empty() && content.find(' ') == std::string_view::npos &&
                content.find('.') != std::string_view::npos && content.find(':') == std::string_view::npos)
                last_host = text::to_lower(content);
            continue;
        }
        if (last_address.empty()) continue;
        bool seen = false;
        for (const auto& other : findings) seen = seen || other.recipient == last_address;
        if (seen) continue;  // older attempts for the same recipient follow the latest one
        Finding f;
        f.recipient = last_address;
        f.remote_mta = last_host;
        f.diagnostic = smtp::clean_diagnostic(answer);
        complete_from_diagnostic(f);
        classify_answer(f);
        findings.push_back(std::move(f));
    }
    if (findings.empty()) findings = listed_recipients(body);
    // "Delayed: <subject>" / "Delivery is delayed to these recipients or groups": still retrying.
    if (text::istarts_with(message.subject, "delayed:") || text::icontains(text_head(message), "delivery is delayed to"))
        for (auto& f : findings) f.action = "delayed";
    if (!message.delivery_status.empty()) {
        // Only an HTML part, or an unreadable diagnostic section: Exchange's codes are in the
        // report itself.
        auto reported = decode_rfc3464(message);
        for (auto& r : reported) classify_answer(r);
        if (findings.empty()) return reported;
        for (auto& f : findings)
            for (const auto& r : reported)
                if (f.reason.empty() && r.recipient == f.recipient) f.reason = r.reason;
    }
    return findings;
}

}  // namespace dsn::dialects

// Google (Gmail and Google Workspace MX): replies carry RFC 3463 codes plus a sentence from
// Google's published list of SMTP errors, and end with "- gsmtp".
#include "dsn/rhosts/provider.hpp"

namespace dsn::rhost {
namespace {

constexpr std::string_view kHosts[] = {"google.com", "googlemail.com", "gmail.com"};
constexpr std::string_view kDomains[] = {"gmail.com", "googlemail.com"};
constexpr std::string_view kMarkers[] = {"- gsmtp"};

constexpr ReplyRule kRules[] = {
    // the recipient
    {"", "account that you tried to reach does not exist", "userunknown"},
    {"", "p=nosuchuser", "userunknown"},
    {"", "account that you tried to reach is disabled", "suspend"},
    {"", "account that you tried to reach is inactive", "suspend"},
    {"", "p=disableduser", "suspend"},
    {"", "out of storage space", "mailboxfull"},
    {"", "is over quota", "mailboxfull"},
    {"", "over quota", "mailboxfull"},
    {"", "email quota exceeded", "mailboxfull"},
    {"", "is receiving mail too quickly", "speeding"},
    {"", "rate that prevents additional messages from being delivered", "speeding"},
    // sender authentication (SPF, DKIM, DMARC, alignment)
    {"", "the spf record of the sending domain", "authfailure"},
    {"", "senders to authenticate", "authfailure"},
    {"", "fails to pass spf checks", "authfailure"},
    {"", "has an spf record with a hard fail policy", "authfailure"},
    {"", "not accepted due to domain's dmarc policy", "authfailure"},
    {"", "fails to pass authentication checks", "authfailure"},
    {"", "aligned with either the authenticated spf or dkim", "authfailure"},
    {"", "sender is unauthenticated", "authfailure"},
    {"", "unauthenticated email is not accepted", "rejected"},
    {"", "dmarc", "authfailure"},
    // the sending host
    {"", "very low reputation of the sending", "badreputation"},
    {"", "ip not in whitelist for rcpt domain", "blocked"},
    {"", "try again later, closing connection", "blocked"},
    {"", "helo/ehlo argument", "blocked"},
    {"", "an unusual rate of unsolicited mail", "blocked"},
    {"", "an unusual rate of mail", "blocked"},
    {"", "does not have a ptr record", "requireptr"},
    {"", "have a ptr record, or the ptr record", "requireptr"},
    {"", "ipv6 sending guidelines regarding ptr records", "requireptr"},
    {"", "does not match the ip address of the hostname", "requireptr"},
    {"", "mail relay denied", "norelaying"},
    {"", "invalid credentials for relay", "norelaying"},
    {"", "not authorized to send email directly to our servers", "norelaying"},
    {"", "mail sending denied", "rejected"},
    {"", "is not a valid rfc 5321 address", "notcompliantrfc"},
    // the message
    {"", "missing a valid address in the from: header", "notcompliantrfc"},
    {"", "multiple addresses in from: header", "notcompliantrfc"},
    {"", "not rfc 5322 compliant", "notcompliantrfc"},
    {"", "missing a valid message-id: header", "notcompliantrfc"},
    {"", "unicode character in a disallowed header", "notcompliantrfc"},
    {"", "encoded-word syntax is not permitted", "notcompliantrfc"},
    {"", "mail message is malformed", "notcompliantrfc"},
    {"", "rfc 5322", "notcompliantrfc"},
    {"", "illegal attachment on your message", "policyviolation"},
    {"", "content presents a potential security issue", "policyviolation"},
    {"", "has a policy that prohibited the mail", "policyviolation"},
    {"", "sending messages with the same message-id", "policyviolation"},
    {"", "due to the nature of the content or the links within", "spamdetected"},
    {"", "likely unsolicited mail", "spamdetected"},
    {"5.2.3", "exceeded google's message size limits", "exceedlimit"},
    {"", "exceeded google's message size limits", "mesgtoobig"},
    {"", "exceeds google's message size limit", "mesgtoobig"},
    {"", "exceeds google's limit of", "exceedlimit"},
    {"", "header size limit", "exceedlimit"},
    {"", "bytes per individual header size", "exceedlimit"},
    {"", "message exceeded 50 hops", "networkerror"},
    // the session
    {"", "connection expired", "expired"},
    {"", "timeout - closing connection", "expired"},
    {"", "must issue a starttls command first", "securityerror"},
    {"", "starttls may not be repeated", "securityerror"},
    {"", "tls required for rcpt domain", "securityerror"},
    {"", "senders to use tls/ssl", "securityerror"},
    {"", "too many login attempts", "securityerror"},
    {"", "no identity changes permitted", "securityerror"},
    {"", "authentication required.", "securityerror"},
    {"", "application-specific password required", "securityerror"},
    {"", "log in with your web browser", "securityerror"},
    {"", "log in through your web browser", "securityerror"},
    {"", "username and password not accepted", "securityerror"},
    {"", "peak smtp relay limit exceeded", "speeding"},
    {"", "daily sending quota exceeded", "speeding"},
    {"", "daily user sending limit exceeded", "speeding"},
    {"", "relay limit exceeded for", "speeding"},
    {"", "relay sending limit exceeded for", "speeding"},
    {"", "this mail has been rate limited", "speeding"},
    {"", "smtp protocol violation", "syntaxerror"},
    {"", "optional argument not permitted", "syntaxerror"},
    {"", "syntax error", "syntaxerror"},
    {"", "unrecognized command", "syntaxerror"},
    {"", "unimplemented command", "syntaxerror"},
    {"", "bad sequence of commands", "syntaxerror"},
    {"", "too many unauthenticated commands", "syntaxerror"},
    {"", "temporary system problem", "systemerror"},
    {"", "server busy", "systemerror"},
    {"", "multiple destination domains per transaction", "systemerror"},
    {"", "temporarily rejected this message", "systemerror"},
    {"", "temporarily rejected message", "systemerror"},
    {"", "domain policy size per transaction exceeded", "systemerror"},
    {"", "too many recipients", "toomanyconn"},
    {"", "virus", "virusdetected"},
};

std::string_view reason(const classify::Evidence& e) { return first_rule(kRules, e); }

}  // namespace

const Provider google{"google", kHosts, kDomains, kMarkers, reason};

}  // namespace dsn::rhost

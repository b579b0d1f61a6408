#include "dsn/message.hpp"

#include "dsn/address.hpp"
#include "dsn/dialects/common.hpp"
#include "dsn/text.hpp"

#include <gmime/gmime.h>

#include <iconv.h>

// GCC says __SANITIZE_ADDRESS__; clang (the fuzz build) says it only through __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define BOUNCE_WITH_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BOUNCE_WITH_LSAN 1
#endif
#endif
#if defined(BOUNCE_WITH_LSAN)
#include <sanitizer/lsan_interface.h>
#endif

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

namespace dsn {
namespace {

struct GObjectUnref {
    void operator()(gpointer p) const {
        if (p) g_object_unref(p);
    }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
    void operator()(gpointer p) const { g_free(p); }
};
using GString = std::unique_ptr<char, GFree>;

// The message a bounce returns (message/rfc822, or message/global for an internationalized one)
// is read for its header section only. Registered as plain parts, GMime keeps such a part as a
// window on the input instead of building a second message with an object per header and per
// part; that building was a fifth of a bare GMime parse of real bounces, spent on things nothing
// reads. The header section is then parsed by parse_returned_headers below.
constexpr const char* kReturnedMessageSubtypes[] = {"rfc822", "rfc2822", "global", "news"};

void ensure_gmime() {
    static std::once_flag once;
    std::call_once(once, [] {
#if defined(BOUNCE_WITH_LSAN)
        // GMime's type registry keeps no pointer to an entry it replaces, so the entries g_mime_init
        // made for these subtypes become unreachable below: 64 bytes, once per process. LeakSanitizer
        // is told to ignore what g_mime_init allocates rather than report that on every exit.
        __lsan_disable();
#endif
        g_mime_init();
#if defined(BOUNCE_WITH_LSAN)
        __lsan_enable();
#endif
        for (const char* subtype : kReturnedMessageSubtypes) g_mime_object_register_type("message", subtype, GMIME_TYPE_PART);
    });
}

bool is_returned_message_type(std::string_view type) {
    if (!type.starts_with("message/")) return false;
    for (const char* subtype : kReturnedMessageSubtypes)
        if (type.substr(8) == subtype) return true;
    return false;
}

// glibc unloads an iconv module (dlclose, munmap) shortly after its last descriptor closes, and
// GMime closes its descriptor after every part and header, so a run of messages in one charset
// loaded ISO-2022-JP.so and friends again every few messages: a fifth of bounce-parse's system
// time. One descriptor per charset seen, opened here and never used for conversion, keeps its
// modules loaded for the life of the process.
void keep_charset_loaded(std::string_view charset) {
    if (charset.empty() || charset.size() > 64) return;
    // Never destroyed. As function statics, the map was destroyed at exit with its descriptors still
    // open, and LeakSanitizer (which checks after static destructors) reported each one as a leak;
    // a milter worker still parsing during exit could also have met a destroyed mutex. Through these
    // pointers the descriptors stay reachable for the life of the process, which is their purpose.
    static auto* mutex = new std::mutex;
    static auto* held = new std::map<std::string, iconv_t, std::less<>>;
    std::lock_guard<std::mutex> lock(*mutex);
    if (held->size() >= 64 || held->find(charset) != held->end()) return;
    std::string name(charset);
    held->emplace(name, iconv_open("UTF-8", g_mime_charset_iconv_name(name.c_str())));
}

// The charsets of RFC 2047 encoded words ("=?iso-2022-jp?B?...?=") in a raw header value.
void keep_encoded_word_charsets_loaded(std::string_view v) {
    for (std::size_t at = v.find("=?"); at != std::string_view::npos; at = v.find("=?", at + 2)) {
        std::string_view rest = v.substr(at + 2);
        std::size_t end = rest.find_first_of("?*");
        if (end != std::string_view::npos) keep_charset_loaded(text::to_lower(rest.substr(0, end)));
    }
}

// "type/subtype" in lower case, as g_mime_content_type_get_mime_type writes it (with its defaults
// for a missing half), built directly: its printf and the lower-case copy cost more than the test.
std::string lower_mime_type(GMimeContentType* type) {
    if (!type) return {};
    const char* media = g_mime_content_type_get_media_type(type);
    const char* subtype = g_mime_content_type_get_media_subtype(type);
    const std::string_view media_view = media ? media : "text";
    const std::string_view subtype_view = subtype ? subtype : "plain";
    std::string out;
    out.reserve(media_view.size() + 1 + subtype_view.size());
    for (char c : media_view) out.push_back(text::lower(c));
    out.push_back('/');
    for (char c : subtype_view) out.push_back(text::lower(c));
    return out;
}

// The content of a part whose transfer encoding changes nothing (7bit, 8bit, binary or none),
// read in place when GMime kept it as a window on the message's memory buffer, which it does for
// every part of a message parsed from memory. Saves a stream, a filter and a copy per part.
bool identity_content(GMimeDataWrapper* wrapper, std::string_view& out) {
    switch (g_mime_data_wrapper_get_encoding(wrapper)) {
        case GMIME_CONTENT_ENCODING_DEFAULT:
        case GMIME_CONTENT_ENCODING_7BIT:
        case GMIME_CONTENT_ENCODING_8BIT:
        case GMIME_CONTENT_ENCODING_BINARY: break;
        default: return false;
    }
    GMimeStream* stream = g_mime_data_wrapper_get_stream(wrapper);
    if (!stream || !GMIME_IS_STREAM_MEM(stream)) return false;
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
    if (!bytes) return false;
    const gint64 size = static_cast<gint64>(bytes->len);
    const gint64 start = stream->bound_start;
    const gint64 end = stream->bound_end < 0 ? size : stream->bound_end;
    if (start < 0 || start > end || end > size) return false;
    out = std::string_view(reinterpret_cast<const char*>(bytes->data) + start, static_cast<std::size_t>(end - start));
    return true;
}

// The decoded bytes of a leaf part (transfer encoding removed, charset untouched).
std::string decoded_content(GMimePart* part) {
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    if (!wrapper) return {};
    if (std::string_view in_place; identity_content(wrapper, in_place)) return text::normalize_newlines(in_place);
    GPtr<GMimeStream> mem(g_mime_stream_mem_new());
    if (g_mime_data_wrapper_write_to_stream(wrapper, mem.get()) < 0) return {};
    GByteArray* bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem.get()));
    if (!bytes || bytes->len == 0) return {};
    return text::normalize_newlines(std::string_view(reinterpret_cast<const char*>(bytes->data), bytes->len));
}

// The message's bytes handed to GMime without a copy. g_mime_stream_mem_new_with_buffer copies
// the whole message into a new array, a large allocation per message that cost about 4% of
// bounce-parse. GMime only reads from the stream and its part streams share this array, so an array
// that wraps our bytes without owning them serves as well. Declared before the stream and the
// message, so that it outlives both: the wrapper is freed, the bytes are left to their owner.
class BorrowedBytes {
public:
    explicit BorrowedBytes(std::string_view bytes) {
        if (bytes.size() <= G_MAXUINT)
            array_ = g_byte_array_new_take(
                const_cast<guint8*>(reinterpret_cast<const guint8*>(bytes.data())), static_cast<gsize>(bytes.size()));
        else
            bytes_ = bytes;
    }
    ~BorrowedBytes() {
        if (array_) g_byte_array_free(array_, FALSE);
    }
    BorrowedBytes(const BorrowedBytes&) = delete;
    BorrowedBytes& operator=(const BorrowedBytes&) = delete;

    GMimeStream* stream() const {
        // A message too large for a GByteArray's length (4 GiB) is copied as before.
        if (!array_) return g_mime_stream_mem_new_with_buffer(bytes_.data(), bytes_.size());
        GMimeStream* stream = g_mime_stream_mem_new_with_byte_array(array_);
        g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(stream), FALSE);
        return stream;
    }

private:
    GByteArray* array_ = nullptr;
    std::string_view bytes_;
};

// One parser per thread, handed each message's stream in turn. A new parser per message allocated
// its 4 KiB scan buffer every time, and that allocation paid for glibc consolidating the small
// blocks the previous message had freed (2.5% of bounce-parse).
class ThreadParser {
public:
    ThreadParser() : parser_(g_mime_parser_new()), idle_(g_mime_stream_mem_new()) {}

    // The parser reading `stream` as a message for the life of this object; afterwards it reads
    // an empty stream of its own, so it keeps no reference to the message's bytes.
    class Attached {
    public:
        Attached(ThreadParser& owner, GMimeStream* stream) : owner_(owner) {
            g_mime_parser_init_with_stream(owner_.parser_.get(), stream);
            g_mime_parser_set_format(owner_.parser_.get(), GMIME_FORMAT_MESSAGE);
        }
        ~Attached() { g_mime_parser_init_with_stream(owner_.parser_.get(), owner_.idle_.get()); }
        Attached(const Attached&) = delete;
        Attached& operator=(const Attached&) = delete;
        GMimeParser* get() const { return owner_.parser_.get(); }

    private:
        ThreadParser& owner_;
    };

private:
    GPtr<GMimeParser> parser_;
    GPtr<GMimeStream> idle_;
};

bool is_seven_bit(std::string_view s) {
    for (unsigned char c : s)
        if (c >= 0x80) return false;
    return true;
}

// Text of a text/* part converted to UTF-8 by GMime (charset from the part, iconv underneath).
std::string utf8_text(GMimeObject* object) {
    if (!GMIME_IS_TEXT_PART(object)) return decoded_content(GMIME_PART(object));
    std::string raw = decoded_content(GMIME_PART(object));
    const char* charset = g_mime_object_get_content_type_parameter(object, "charset");
    if (raw.find('\0') != std::string::npos) {
        // A NUL byte ("=00" in quoted-printable) would end GMime's C string there and lose the rest
        // of the text (Office 365 diagnostics follow such a link): drop it and convert here.
        std::erase(raw, '\0');
        if (!charset) return raw;
        gsize written = 0;
        GError* error = nullptr;
        gchar* converted = g_convert(raw.data(), static_cast<gssize>(raw.size()), "UTF-8",
                                     g_mime_charset_iconv_name(charset), nullptr, &written, &error);
        if (error) g_error_free(error);
        if (!converted) return raw;
        std::string out(converted, written);
        g_free(converted);
        return out;
    }
    // Without a charset GMime's text is these same bytes.
    if (!charset) return raw;
    const std::string name = text::to_lower(charset);
    // Seven-bit text in a charset that extends ASCII converts to itself; most bounce notices are
    // such text, and iconv was most of the cost of extracting it.
    if ((name == "us-ascii" || name == "utf-8" || name == "iso-8859-1") && is_seven_bit(raw)) return raw;
    keep_charset_loaded(name);
    GString decoded(g_mime_text_part_get_text(GMIME_TEXT_PART(object)));
    if (!decoded) return raw;
    return text::normalize_newlines(decoded.get());
}

Fields header_fields(GMimeObject* object) {
    Fields fields;
    GMimeHeaderList* list = g_mime_object_get_header_list(object);
    if (!list) return fields;
    const int count = g_mime_header_list_get_count(list);
    struct Raw {
        std::string_view name, value;
    };
    // Read once to size the fields' buffer, then written into it in one go.
    std::vector<Raw> raw(static_cast<std::size_t>(std::max(count, 0)));
    std::size_t text_bytes = 0, kept = 0;
    for (int i = 0; i < count; ++i) {
        GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
        const char* name = g_mime_header_get_name(header);
        if (!name) continue;
        const char* value = g_mime_header_get_raw_value(header);
        raw[kept] = {name, value ? value : ""};
        text_bytes += raw[kept].name.size() + raw[kept].value.size();
        ++kept;
    }
    fields.reserve(kept, text_bytes);
    for (std::size_t i = 0; i < kept; ++i) fields.add_squeezed(raw[i].name, raw[i].value);
    return fields;
}

// The raw value of the first `name` header field (case-insensitive, as GMime's own lookup).
const char* first_raw_value(GMimeObject* object, const char* name) {
    GMimeHeaderList* list = g_mime_object_get_header_list(object);
    if (!list) return nullptr;
    const int count = g_mime_header_list_get_count(list);
    for (int i = 0; i < count; ++i) {
        GMimeHeader* header = g_mime_header_list_get_header_at(list, i);
        const char* header_name = g_mime_header_get_name(header);
        if (header_name && g_ascii_strcasecmp(header_name, name) == 0) return g_mime_header_get_raw_value(header);
    }
    return nullptr;
}

// GMime's decoding of a printable-ASCII value without encoded words, worked out directly: white
// space trimmed at both ends and line breaks dropped, nothing else changed (what its unfolding
// does; its RFC 2047 decoding then leaves such text as it is, and the unit tests compare the two
// over thousands of generated values). nullopt for any other value.
std::optional<std::string> plain_unfolded(std::string_view raw) {
    auto lwsp = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!raw.empty() && lwsp(raw.front())) raw.remove_prefix(1);
    while (!raw.empty() && lwsp(raw.back())) raw.remove_suffix(1);
    std::string out;
    out.reserve(raw.size());
    for (char c : raw) {
        if (c == '\r' || c == '\n') continue;
        if ((c < 0x20 && c != '\t') || c >= 0x7F) return std::nullopt;  // also every byte above 0x7F
        out.push_back(c);
    }
    if (out.find("=?") != std::string::npos) return std::nullopt;
    return out;
}

// The From field decoded, as g_mime_object_get_header gives it decoded once more: most From
// values are plain ASCII, and GMime's lookup, unfolding and two decoding passes over them cost
// more than 1% of the parse.
std::string decoded_from(GMimeObject* message) {
    const char* raw = first_raw_value(message, "From");
    if (!raw) return {};
    if (auto plain = plain_unfolded(raw)) return std::move(*plain);
    const char* from = g_mime_object_get_header(message, "From");
    if (!from) return {};
    keep_encoded_word_charsets_loaded(from);
    GString decoded(g_mime_utils_header_decode_text(nullptr, from));
    return decoded ? decoded.get() : from;
}

// The header section of a returned message, as header_fields reads a GMime header list: names as
// written, values unfolded with their runs of white space squeezed to single spaces.
Fields parse_returned_headers(std::string_view content) {
    Fields fields;
    // Names and values never add up to more than the section: each line loses its colon, and the
    // space joining a continuation line stands for the line break before it.
    fields.reserve(0, content.size());
    std::string_view name;
    std::string value;
    bool open = false;
    auto close = [&] {
        if (open) fields.add_squeezed(name, value);
        open = false;
    };
    for (std::size_t at = 0; at < content.size();) {
        const std::size_t newline = content.find('\n', at);
        std::string_view line = content.substr(at, newline == std::string_view::npos ? std::string_view::npos : newline - at);
        at = newline == std::string_view::npos ? content.size() : newline + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // end of the header section
        if (line.front() == ' ' || line.front() == '\t') {
            if (open) value.append(" ").append(line);
            continue;
        }
        close();
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        name = text::trim(line.substr(0, colon));
        if (name.empty()) continue;
        value.assign(line.substr(colon + 1));
        open = true;
    }
    close();
    return fields;
}

// Only the header section of a returned message is read, so only that much is decoded and copied:
// a bounce may return a message of many megabytes.
Fields returned_message_headers(GMimePart* part) {
    GMimeDataWrapper* wrapper = g_mime_part_get_content(part);
    if (!wrapper) return {};
    std::string_view in_place;
    if (!identity_content(wrapper, in_place)) return parse_returned_headers(decoded_content(part));
    const std::size_t lf = in_place.find("\n\n");
    const std::size_t crlf = in_place.find("\r\n\r\n");
    const std::size_t cr = in_place.find("\r\r");
    return parse_returned_headers(text::normalize_newlines(in_place.substr(0, std::min({lf, crlf, cr}))));
}

class Walker {
public:
    explicit Walker(Message& out) : out_(out) {}

    void walk(GMimeObject* object, int depth) {
        if (!object || depth > 32) return;  // nesting beyond any real bounce: ignore the rest
        if (GMIME_IS_MULTIPART(object)) {
            GMimeMultipart* multipart = GMIME_MULTIPART(object);
            std::string type = lower_mime_type(g_mime_object_get_content_type(object));
            int count = g_mime_multipart_get_count(multipart);
            if (count == 0) {
                // A multipart whose boundary never occurs: GMime keeps the whole body as the
                // prologue, which is where such a bounce's text is.
                if (const char* prologue = g_mime_multipart_get_prologue(multipart))
                    append_text(text::normalize_newlines(prologue));
                return;
            }
            if (type == "multipart/alternative") {
                walk_alternative(multipart, count, depth);
                return;
            }
            for (int i = 0; i < count; ++i) walk(g_mime_multipart_get_part(multipart, i), depth + 1);
            return;
        }
        if (GMIME_IS_MESSAGE_PART(object)) {
            take_returned_message(GMIME_MESSAGE_PART(object));
            return;
        }
        if (GMIME_IS_PART(object)) take_leaf(object);
    }

private:
    // Prefer the plain-text alternative; fall back to the HTML one converted to text.
    void walk_alternative(GMimeMultipart* multipart, int count, int depth) {
        GMimeObject* html = nullptr;
        for (int i = 0; i < count; ++i) {
            GMimeObject* child = g_mime_multipart_get_part(multipart, i);
            std::string type = lower_mime_type(g_mime_object_get_content_type(child));
            if (type == "text/plain") {
                take_leaf(child);
                return;
            }
            if (type == "text/html" && !html) html = child;
            if (GMIME_IS_MULTIPART(child)) {
                walk(child, depth + 1);
                return;
            }
        }
        if (html) append_text(text::html_to_text(utf8_text(html)));
    }

    void take_returned_message(GMimeMessagePart* part) {
        GMimeMessage* embedded = g_mime_message_part_get_message(part);
        if (!embedded) return;
        if (!out_.has_returned_message || out_.returned_headers.empty()) {
            out_.returned_headers = header_fields(GMIME_OBJECT(embedded));
        }
        out_.has_returned_message = true;
    }

    void take_leaf(GMimeObject* object) {
        std::string type = lower_mime_type(g_mime_object_get_content_type(object));
        if (type == "message/delivery-status" || type == "message/global-delivery-status") {
            out_.delivery_status.push_back(decoded_content(GMIME_PART(object)));
        } else if (type == "message/feedback-report") {
            out_.feedback_reports.push_back(decoded_content(GMIME_PART(object)));
        } else if (is_returned_message_type(type)) {
            if (!out_.has_returned_message || out_.returned_headers.empty())
                out_.returned_headers = returned_message_headers(GMIME_PART(object));
            out_.has_returned_message = true;
        } else if (type == "message/disposition-notification") {
            out_.has_disposition_notification = true;
        } else if (type == "text/rfc822-headers" || type == "message/global-headers" ||
                   type == "text/rfc822-header") {
            if (!out_.has_returned_message || out_.returned_headers.empty())
                out_.returned_headers = parse_header_section(decoded_content(GMIME_PART(object)));
            out_.has_returned_message = true;
        } else if (type == "text/plain" || type.empty()) {
            append_text(utf8_text(object));
        } else if (type == "text/html") {
            html_.push_back(text::html_to_text(utf8_text(object)));
        }
    }

    void append_text(std::string&& part_text) {
        if (part_text.empty()) return;
        // The first text part (most messages have one) is taken over, not copied.
        if (out_.text.empty()) {
            out_.text = std::move(part_text);
            return;
        }
        out_.text.push_back('\n');
        out_.text.append(part_text);
    }

public:
    void finish() {
        if (out_.text.empty())
            for (auto& html : html_) append_text(std::move(html));
    }

private:
    Message& out_;
    std::vector<std::string> html_;
};

}  // namespace

const std::string& Message::from_address() const {
    if (!from_address_) from_address_ = address::normalize(from);
    return *from_address_;
}

std::string_view Message::human_text() const {
    if (!human_text_size_) human_text_size_ = dialects::before_returned_message(text).size();
    return std::string_view(text).substr(0, *human_text_size_);
}

std::optional<Message> load_message(std::string_view bytes) {
    ensure_gmime();
    if (bytes.empty()) return std::nullopt;
    BorrowedBytes borrowed(bytes);
    GPtr<GMimeStream> stream(borrowed.stream());
    thread_local ThreadParser thread_parser;
    ThreadParser::Attached parser(thread_parser, stream.get());
    GPtr<GMimeMessage> message(g_mime_parser_construct_message(parser.get(), nullptr));
    if (!message) return std::nullopt;

    Message out;
    out.headers = header_fields(GMIME_OBJECT(message.get()));
    if (const char* subject = g_mime_message_get_subject(message.get())) out.subject = subject;
    keep_encoded_word_charsets_loaded(out.headers.get("Subject"));
    out.from = decoded_from(GMIME_OBJECT(message.get()));
    GMimeObject* body = g_mime_message_get_mime_part(message.get());
    if (body) {
        GMimeContentType* type = g_mime_object_get_content_type(body);
        out.content_type = lower_mime_type(type);
        out.is_multipart = GMIME_IS_MULTIPART(body);
        if (type) {
            if (const char* report_type = g_mime_content_type_get_parameter(type, "report-type"))
                out.report_type = text::to_lower(report_type);
        }
        Walker walker(out);
        walker.walk(body, 0);
        walker.finish();
    }
    return out;
}

}  // namespace dsn

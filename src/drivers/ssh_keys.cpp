#include "drivers/ssh_keys.h"

#include <sodium.h>
#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string_view>

#include "base/strings.h"
#include "system/process.h"

namespace wsp {
namespace {

constexpr size_t kMaxKeyLine = 16 * 1024;
constexpr int64_t kMinRsaBits = 3072;

// One SSH wire-format string (uint32 length, bytes) at `pos`.
std::optional<std::string_view> read_string(std::string_view blob, size_t& pos) {
    if (blob.size() - pos < 4 || pos > blob.size()) return std::nullopt;
    const auto* p = reinterpret_cast<const unsigned char*>(blob.data() + pos);
    const size_t len = (size_t{p[0]} << 24) | (size_t{p[1]} << 16) | (size_t{p[2]} << 8) | p[3];
    pos += 4;
    if (blob.size() - pos < len) return std::nullopt;
    std::string_view out = blob.substr(pos, len);
    pos += len;
    return out;
}

// Bits of a non-negative mpint (leading zero bytes do not count).
int64_t mpint_bits(std::string_view m) {
    size_t i = 0;
    while (i < m.size() && m[i] == 0) ++i;
    if (i == m.size()) return 0;
    auto top = static_cast<unsigned char>(m[i]);
    int64_t bits = static_cast<int64_t>(m.size() - i - 1) * 8;
    while (top) {
        ++bits;
        top >>= 1;
    }
    return bits;
}

std::string fingerprint_of(std::string_view blob) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(blob.data()), blob.size());
    std::string b64 = base64_encode(
        std::string_view(reinterpret_cast<const char*>(digest), sizeof digest), Base64::standard);
    while (!b64.empty() && b64.back() == '=') b64.pop_back();
    return "SHA256:" + b64;
}

const Error kBad = validation(
    "public_key must be one OpenSSH public key line: ssh-ed25519, ecdsa-sha2-nistp256/384/521 "
    "or ssh-rsa (at least 3072 bits), e.g. \"ssh-ed25519 AAAA... you@laptop\"");

// The key's bits when `blob` is a well-formed key of `type`; nullopt otherwise.
std::optional<int64_t> check_blob(const std::string& type, std::string_view blob) {
    size_t pos = 0;
    auto inner = read_string(blob, pos);
    if (!inner || *inner != type) return std::nullopt;
    if (type == "ssh-ed25519") {
        auto pk = read_string(blob, pos);
        if (!pk || pk->size() != 32 || pos != blob.size()) return std::nullopt;
        return 256;
    }
    if (type.starts_with("ecdsa-sha2-")) {
        const std::string curve = type.substr(11);
        auto name = read_string(blob, pos);
        auto point = read_string(blob, pos);
        if (!name || *name != curve || !point || pos != blob.size()) return std::nullopt;
        const size_t want = curve == "nistp256" ? 65 : curve == "nistp384" ? 97 : 133;
        if (point->size() != want || (*point)[0] != 0x04) return std::nullopt;
        return curve == "nistp256" ? 256 : curve == "nistp384" ? 384 : 521;
    }
    if (type == "ssh-rsa") {
        auto e = read_string(blob, pos);
        auto n = read_string(blob, pos);
        if (!e || !n || e->empty() || pos != blob.size()) return std::nullopt;
        return mpint_bits(*n);
    }
    return std::nullopt;
}

}  // namespace

std::string SshPublicKey::openssh() const {
    return type + " " + base64_encode(blob, Base64::standard);
}

std::string SshPublicKey::rfc4716() const {
    const std::string b64 = base64_encode(blob, Base64::standard);
    std::string out = "---- BEGIN SSH2 PUBLIC KEY ----\n";
    for (size_t i = 0; i < b64.size(); i += 70) out += b64.substr(i, 70) + "\n";
    out += "---- END SSH2 PUBLIC KEY ----\n";
    return out;
}

Result<SshPublicKey> parse_ssh_public_key(const std::string& input) {
    if (input.size() > kMaxKeyLine) return validation("public_key is too long");
    std::string line = input;
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r' || line.back() == ' ' ||
                             line.back() == '\t'))
        line.pop_back();
    size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos) return validation("public_key is required");
    line = line.substr(start);
    for (char c : line)
        if (c == '\n' || c == '\r' || c == '\0')
            return validation("public_key must be a single line (one key per request)");
    const size_t sp = line.find(' ');
    if (sp == std::string::npos) return kBad;
    SshPublicKey key;
    key.type = line.substr(0, sp);
    const size_t data_start = line.find_first_not_of(' ', sp);
    if (data_start == std::string::npos) return kBad;
    const size_t data_end = line.find_first_of(" \t", data_start);
    const std::string data = line.substr(
        data_start, data_end == std::string::npos ? std::string::npos : data_end - data_start);
    if (data_end != std::string::npos) {
        const size_t c = line.find_first_not_of(" \t", data_end);
        if (c != std::string::npos) key.comment = line.substr(c);
    }
    if (key.type == "ssh-dss") return validation("public_key: DSA keys are not accepted");
    if (key.type.starts_with("sk-"))
        return validation("public_key: security-key (sk-) keys are not supported by the server");
    if (key.type != "ssh-ed25519" && key.type != "ssh-rsa" && key.type != "ecdsa-sha2-nistp256" &&
        key.type != "ecdsa-sha2-nistp384" && key.type != "ecdsa-sha2-nistp521")
        return kBad;
    // The codec ignores what follows the first '=': only padding may.
    const size_t eq = data.find('=');
    if (eq != std::string::npos && data.find_first_not_of('=', eq) != std::string::npos)
        return kBad;
    auto blob = base64_decode(data, Base64::standard);
    if (!blob) return kBad;
    auto bits = check_blob(key.type, *blob);
    if (!bits) return kBad;
    if (key.type == "ssh-rsa" && *bits < kMinRsaBits)
        return validation("public_key: RSA keys must have at least 3072 bits (this one has " +
                          std::to_string(*bits) + ")");
    key.bits = *bits;
    key.blob = std::move(*blob);
    key.fingerprint = fingerprint_of(key.blob);
    // Control characters in a comment would end up in JSON and logs.
    for (char& ch : key.comment)
        if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
    if (key.comment.size() > 200) key.comment.resize(200);
    return key;
}

namespace {

struct HostKeyKind {
    const char* file;
    const char* type;
    std::vector<std::string> args;
};

const std::vector<HostKeyKind>& host_key_kinds() {
    static const std::vector<HostKeyKind> kinds = {
        {"ssh_host_ed25519_key", "ssh-ed25519", {"-t", "ed25519"}},
        {"ssh_host_ecdsa_key", "ecdsa-sha2-nistp256", {"-t", "ecdsa", "-b", "256"}},
    };
    return kinds;
}

std::optional<HostKey> read_host_key(const std::filesystem::path& dir, const HostKeyKind& kind) {
    const auto priv = dir / kind.file;
    std::ifstream pub(priv.string() + ".pub");
    std::string line;
    if (!std::filesystem::exists(priv) || !std::getline(pub, line)) return std::nullopt;
    auto key = parse_ssh_public_key(line);
    if (!key.ok()) return std::nullopt;
    return HostKey{key->type, key->fingerprint, priv};
}

}  // namespace

std::vector<HostKey> read_host_keys(const std::filesystem::path& dir) {
    std::vector<HostKey> out;
    for (const auto& kind : host_key_kinds())
        if (auto k = read_host_key(dir, kind)) out.push_back(*k);
    return out;
}

Result<std::vector<HostKey>> ensure_host_keys(const std::filesystem::path& dir,
                                              const std::filesystem::path& ssh_keygen) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return internal("cannot create the SFTP host key directory");
    ::chmod(dir.c_str(), 0700);
    std::vector<HostKey> out;
    for (const auto& kind : host_key_kinds()) {
        auto key = read_host_key(dir, kind);
        if (!key) {
            const auto priv = dir / kind.file;
            std::filesystem::remove(priv, ec);
            std::filesystem::remove(priv.string() + ".pub", ec);
            std::vector<std::string> argv = {ssh_keygen.string(), "-q"};
            argv.insert(argv.end(), kind.args.begin(), kind.args.end());
            argv.insert(argv.end(), {"-N", "", "-C", "wispanel-sftp", "-f", priv.string()});
            TRY(ProcessResult r,
                run_process(argv, ProcessOptions{.timeout = std::chrono::seconds(30)}));
            if (!r.ok()) return internal("ssh-keygen failed: " + r.output);
            key = read_host_key(dir, kind);
            if (!key) return internal("ssh-keygen made no readable host key");
        }
        ::chmod(key->path.c_str(), 0600);
        out.push_back(*key);
    }
    return out;
}

}  // namespace wsp

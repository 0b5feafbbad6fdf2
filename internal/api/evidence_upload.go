package api

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/authz"
)

// POST /api/v1/evidence streams a file to the blob store: a plain chi
// handler, because huma reads a body whole before the handler runs (its
// operation, add-evidence, is in the OpenAPI document all the same). The
// metadata comes in headers (the file is the body), or as the first part
// of a multipart body (a part "metadata", JSON, then a part "file"), or
// alone as JSON for a link.

// Upload headers: the metadata of a file sent as the request body.
const (
	HeaderEvidenceID    = "Aims-Evidence-Id"
	HeaderKind          = "Aims-Kind"
	HeaderTitle         = "Aims-Title"
	HeaderLink          = "Aims-Link" // type=id, repeated or comma-separated
	HeaderCollectedAt   = "Aims-Collected-At"
	HeaderEffectiveFrom = "Aims-Effective-From"
	HeaderEffectiveTo   = "Aims-Effective-To"
	HeaderExpiresAt     = "Aims-Expires-At"
	HeaderNote          = "Aims-Note"
	HeaderSHA256        = "Aims-Sha256"
	HeaderURL           = "Aims-Url"
)

// ParseUploadHeaders reads an upload's metadata from request headers:
// Aims-Kind, Aims-Title, Aims-Link (type=id, e.g. ai_system=ID or
// requirement=iso42001:A.6.2.4), Aims-Evidence-Id, the dates (RFC 3339 or
// YYYY-MM-DD), Aims-Note (percent-encoded UTF-8 allowed), the file's
// SHA-256 (Aims-Sha256 as hex, or Repr-Digest: sha-256=:BASE64:), its name
// (Content-Disposition filename) and media type (Content-Type). Every bad
// header is named in the error.
func ParseUploadHeaders(h http.Header) (*aims.EvidenceUpload, error) {
	var v aims.Validation
	up := &aims.EvidenceUpload{
		EvidenceID: h.Get(HeaderEvidenceID),
		Kind:       h.Get(HeaderKind),
		Title:      decodeHeaderText(h.Get(HeaderTitle)),
		Note:       decodeHeaderText(h.Get(HeaderNote)),
		URL:        h.Get(HeaderURL),
	}
	for _, line := range h.Values(HeaderLink) {
		for _, part := range strings.Split(line, ",") {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			typ, id, ok := strings.Cut(part, "=")
			if !ok {
				v.Add("header."+HeaderLink, "write each link as type=id (e.g. ai_system=ID, requirement=iso42001:A.6.2.4)")
				continue
			}
			up.Links = append(up.Links, aims.EvidenceLink{Type: aims.EvidenceTarget(strings.TrimSpace(typ)), ID: strings.TrimSpace(id)})
		}
	}
	for _, d := range []struct {
		header string
		dst    **time.Time
	}{{HeaderCollectedAt, &up.CollectedAt}, {HeaderEffectiveFrom, &up.EffectiveFrom}, {HeaderEffectiveTo, &up.EffectiveTo}, {HeaderExpiresAt, &up.ExpiresAt}} {
		s := strings.TrimSpace(h.Get(d.header))
		if s == "" {
			continue
		}
		t, err := parseWhen(s)
		if err != nil {
			v.Add("header."+d.header, "must be a time (RFC 3339) or a date (YYYY-MM-DD)")
			continue
		}
		*d.dst = &t
	}
	if s := strings.TrimSpace(h.Get(HeaderSHA256)); s != "" {
		up.Digest = s
	} else if s := h.Get("Repr-Digest"); s != "" {
		d, err := parseReprDigest(s)
		if err != nil {
			v.Add("header.Repr-Digest", "%s", err.Error())
		}
		up.Digest = d
	}
	if cd := h.Get("Content-Disposition"); cd != "" {
		if _, params, err := mime.ParseMediaType(cd); err == nil {
			up.FileName = params["filename"]
		} else {
			v.Add("header.Content-Disposition", "must be attachment; filename=\"NAME\"")
		}
	}
	if ct := h.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil {
			v.Add("header.Content-Type", "is not a media type")
		}
		up.MediaType = mt
	}
	return up, v.Err()
}

// decodeHeaderText reads header text that may be percent-encoded UTF-8
// (headers carry ASCII).
func decodeHeaderText(s string) string {
	if strings.Contains(s, "%") {
		if u, err := unescapePercent(s); err == nil {
			return u
		}
	}
	return s
}

func unescapePercent(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			b.WriteByte(s[i])
			continue
		}
		if i+2 >= len(s) {
			return "", errors.New("bad escape")
		}
		n, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
		if err != nil {
			return "", err
		}
		b.WriteByte(byte(n))
		i += 2
	}
	return b.String(), nil
}

func parseWhen(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.DateOnly, s)
	return t.UTC(), err
}

// parseReprDigest reads RFC 9530's "sha-256=:BASE64:" as hex.
func parseReprDigest(s string) (string, error) {
	for _, item := range strings.Split(s, ",") {
		alg, val, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || !strings.EqualFold(alg, "sha-256") {
			continue
		}
		val = strings.Trim(val, ":")
		b, err := base64.StdEncoding.DecodeString(val)
		if err != nil || len(b) != 32 {
			return "", errors.New("sha-256 must be :BASE64: of 32 bytes")
		}
		return hex.EncodeToString(b), nil
	}
	return "", errors.New("name a sha-256 digest (sha-256=:BASE64:)")
}

// uploadFromRequest returns the metadata and the file's bytes (nil for a
// link) of an add-evidence request.
func uploadFromRequest(r *http.Request) (*aims.EvidenceUpload, io.Reader, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var up aims.EvidenceUpload
		dec := json.NewDecoder(io.LimitReader(r.Body, MaxJSONBody))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&up); err != nil {
			return nil, nil, &aims.Error{Kind: aims.KindInvalid, Message: "the body is not the evidence's metadata as JSON",
				Fields: []aims.FieldError{{Field: "body", Detail: err.Error()}}}
		}
		return &up, nil, nil
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return nil, nil, aims.Errorf(aims.KindBadRequest, "the multipart body cannot be read: %v", err)
		}
		return uploadFromMultipart(mr)
	}
	up, err := ParseUploadHeaders(r.Header)
	if err != nil {
		return nil, nil, err
	}
	if up.URL != "" && r.ContentLength <= 0 {
		return up, nil, nil
	}
	return up, r.Body, nil
}

// uploadFromMultipart reads a part "metadata" (JSON) and then a part
// "file", whose bytes stream on.
func uploadFromMultipart(mr *multipart.Reader) (*aims.EvidenceUpload, io.Reader, error) {
	var up *aims.EvidenceUpload
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			if up == nil {
				return nil, nil, &aims.Error{Kind: aims.KindInvalid, Message: "the multipart body has no metadata part",
					Fields: []aims.FieldError{{Field: "metadata", Detail: "is required: a part named metadata holding JSON"}}}
			}
			return up, nil, nil
		}
		if err != nil {
			return nil, nil, aims.Errorf(aims.KindBadRequest, "the multipart body cannot be read: %v", err)
		}
		switch p.FormName() {
		case "metadata":
			up = &aims.EvidenceUpload{}
			dec := json.NewDecoder(io.LimitReader(p, MaxJSONBody))
			dec.DisallowUnknownFields()
			if err := dec.Decode(up); err != nil {
				return nil, nil, &aims.Error{Kind: aims.KindInvalid, Message: "the metadata part is not JSON",
					Fields: []aims.FieldError{{Field: "metadata", Detail: err.Error()}}}
			}
		case "file":
			if up == nil {
				return nil, nil, &aims.Error{Kind: aims.KindInvalid, Message: "send the metadata part before the file part",
					Fields: []aims.FieldError{{Field: "metadata", Detail: "must come before the file part"}}}
			}
			if up.FileName == "" {
				up.FileName = p.FileName()
			}
			if up.MediaType == "" {
				up.MediaType, _, _ = mime.ParseMediaType(p.Header.Get("Content-Type"))
			}
			return up, p, nil
		default:
			return nil, nil, aims.Errorf(aims.KindInvalid, "unknown part %q: send metadata, then file", p.FormName())
		}
	}
}

// checkPermission answers 401 or 403 as permissionMiddleware does.
func checkPermission(w http.ResponseWriter, r *http.Request, perm authz.Permission) bool {
	p := authz.PrincipalFrom(r.Context())
	if p == nil {
		WriteProblem(w, r, &aims.Error{Kind: aims.KindUnauthenticated, Message: "sign in, or send an API token as 'Authorization: Bearer TOKEN'"})
		return false
	}
	if !p.Can(perm) {
		msg := "your role (" + string(p.Role) + ") does not allow this"
		if len(p.Scopes) > 0 {
			msg = "this API token is limited to " + strings.Join(p.Scopes, " ") + " and may not do this"
		}
		WriteProblem(w, r, &aims.Error{Kind: aims.KindForbidden, Message: msg})
		return false
	}
	return true
}

func (h *Handlers) postEvidence(w http.ResponseWriter, r *http.Request) {
	if !checkPermission(w, r, authz.AddEvidence) {
		return
	}
	if max := h.svc.BlobStore().MaxBytes(); r.ContentLength > max+MaxJSONBody {
		WriteProblem(w, r, aims.Errorf(aims.KindTooLarge, "the file is larger than the limit of %d bytes (AIMS_EVIDENCE_MAX_BYTES)", max))
		return
	}
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Now().Add(time.Hour))
	up, body, err := uploadFromRequest(r)
	if err != nil {
		WriteProblem(w, r, err)
		return
	}
	res, err := h.svc.AddEvidence(r.Context(), up, body)
	if err != nil {
		if aims.KindOf(err) == aims.KindTooLarge || aims.KindOf(err) == aims.KindBadRequest {
			w.Header().Set("Connection", "close") // the rest of the body is not read
		}
		WriteProblem(w, r, err)
		return
	}
	status := http.StatusCreated
	if !res.Created {
		status = http.StatusOK
	}
	w.Header().Set("Location", fmt.Sprintf("%s/evidence/%s", Prefix, res.Evidence.ID))
	writeJSON(w, r, status, res)
}

// digestBase64 turns a hex SHA-256 into the base64 of RFC 9530's Repr-Digest.
func digestBase64(h string) string {
	b, err := hex.DecodeString(h)
	if err != nil {
		return ""
	}
	return base64.StdEncoding.EncodeToString(b)
}

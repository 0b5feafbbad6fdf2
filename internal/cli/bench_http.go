package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// The load generator of `aims bench ingest` shares the machine with the
// server it measures, so it must cost little: each client holds one
// keep-alive connection, writes a request whose head it built once, and
// reads the answer into a reused buffer (no net/http client: its two
// goroutines per connection and its allocations per request cost as much
// CPU as a small handler). Plain http:// only; https:// targets go through
// net/http.

// benchConn posts to one aims over one HTTP/1.1 connection.
type benchConn interface {
	post(body []byte) (status int, answer []byte, err error)
	close()
}

// newBenchConn connects to t for POST requests of contentType to path.
func newBenchConn(t *benchTarget, path, contentType string) (benchConn, error) {
	u, err := url.Parse(t.url)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "http" {
		return &stdConn{cl: benchClient(1), url: t.url + path, token: t.token, contentType: contentType}, nil
	}
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		return nil, err
	}
	head := "POST " + u.Path + path + " HTTP/1.1\r\nHost: " + u.Host + "\r\nAuthorization: Bearer " + t.token +
		"\r\nContent-Type: " + contentType + "\r\nContent-Length: "
	return &rawConn{c: c, r: bufio.NewReaderSize(c, 16<<10), head: []byte(head)}, nil
}

// rawConn is a minimal HTTP/1.1 client over one keep-alive connection.
type rawConn struct {
	c    net.Conn
	r    *bufio.Reader
	head []byte
	req  []byte
	ans  []byte
}

func (rc *rawConn) close() { rc.c.Close() }

func (rc *rawConn) post(body []byte) (int, []byte, error) {
	rc.req = append(rc.req[:0], rc.head...)
	rc.req = strconv.AppendInt(rc.req, int64(len(body)), 10)
	rc.req = append(rc.req, "\r\n\r\n"...)
	bufs := net.Buffers{rc.req, body}
	if _, err := bufs.WriteTo(rc.c); err != nil {
		return 0, nil, err
	}
	return rc.readAnswer()
}

// readAnswer reads a response's status, the headers it needs, and its body
// (Content-Length or chunked).
func (rc *rawConn) readAnswer() (int, []byte, error) {
	line, err := rc.r.ReadSlice('\n')
	if err != nil {
		return 0, nil, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, nil, fmt.Errorf("bad status line %q", line)
	}
	status, err := strconv.Atoi(string(line[9:12]))
	if err != nil {
		return 0, nil, fmt.Errorf("bad status line %q", line)
	}
	length, chunked := -1, false
	for {
		line, err := rc.r.ReadSlice('\n')
		if err != nil {
			return 0, nil, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			if length, err = strconv.Atoi(string(value)); err != nil {
				return 0, nil, fmt.Errorf("bad Content-Length %q", value)
			}
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		}
	}
	rc.ans = rc.ans[:0]
	switch {
	case chunked:
		for {
			line, err := rc.r.ReadSlice('\n')
			if err != nil {
				return 0, nil, err
			}
			size, _, _ := bytes.Cut(bytes.TrimSpace(line), []byte(";"))
			n, err := strconv.ParseInt(string(size), 16, 32)
			if err != nil {
				return 0, nil, fmt.Errorf("bad chunk size %q", line)
			}
			if n == 0 {
				for { // trailers, up to the blank line
					l, err := rc.r.ReadSlice('\n')
					if err != nil {
						return 0, nil, err
					}
					if len(bytes.TrimSpace(l)) == 0 {
						return status, rc.ans, nil
					}
				}
			}
			if rc.ans, err = readN(rc.r, rc.ans, int(n)+2); err != nil {
				return 0, nil, err
			}
			rc.ans = rc.ans[:len(rc.ans)-2]
		}
	case length >= 0:
		if rc.ans, err = readN(rc.r, rc.ans, length); err != nil {
			return 0, nil, err
		}
	default:
		return 0, nil, errors.New("an answer without Content-Length or chunked encoding")
	}
	return status, rc.ans, nil
}

// readN appends n bytes from r to buf.
func readN(r io.Reader, buf []byte, n int) ([]byte, error) {
	l := len(buf)
	buf = append(buf, make([]byte, n)...)
	_, err := io.ReadFull(r, buf[l:])
	return buf, err
}

// stdConn posts through net/http (https:// targets).
type stdConn struct {
	cl                      *http.Client
	url, token, contentType string
}

func (sc *stdConn) close() { sc.cl.CloseIdleConnections() }

func (sc *stdConn) post(body []byte) (int, []byte, error) {
	req, _ := http.NewRequest(http.MethodPost, sc.url, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+sc.token)
	req.Header.Set("Content-Type", sc.contentType)
	resp, err := sc.cl.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// eventWriter appends decision events of one source to a buffer without
// fmt or allocations: the generator's cost per event stays far below the
// server's.
type eventWriter struct {
	source []byte // JSON string, quoted
}

func newEventWriter(source string) *eventWriter {
	return &eventWriter{source: strconv.AppendQuote(nil, source)}
}

func (w *eventWriter) append(buf []byte, seq int64, now time.Time) []byte {
	buf = append(buf, `{"model_version":"2.0","source":`...)
	buf = append(buf, w.source...)
	buf = append(buf, `,"seq":`...)
	buf = strconv.AppendInt(buf, seq, 10)
	buf = append(buf, `,"source_time":"`...)
	buf = now.UTC().AppendFormat(buf, time.RFC3339Nano)
	buf = append(buf, `","inputs":{"TT-101 torque":`...)
	buf = strconv.AppendInt(buf, 40+seq%9, 10)
	buf = append(buf, `.25,"FT-201 flow":12.5,"MT-301 moisture":`...)
	buf = strconv.AppendInt(buf, 10+seq%5, 10)
	buf = append(buf, `.1},"output":{"value":`...)
	buf = strconv.AppendInt(buf, 38+seq%11, 10)
	buf = append(buf, `.5,"unit":"%"}}`...)
	return buf
}

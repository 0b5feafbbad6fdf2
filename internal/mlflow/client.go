// Package mlflow reads an MLflow model registry through its REST API 2.0:
// registered models, their model versions (both paginated with page
// tokens) and the metrics of the runs that made them. It imports neither
// store nor service; the service maps what it reads to AI systems and
// model versions (issue 17 item 6).
package mlflow

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client reads one MLflow tracking server.
type Client struct {
	BaseURL string       // http://mlflow.example:5000
	Token   string       // a bearer token, if the server wants one
	HTTP    *http.Client // nil: a client with a 30 s timeout
	// PageSize is max_results per page; 0 means 100.
	PageSize int
}

// RegisteredModel is a model of the registry.
type RegisteredModel struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Tag is a key and value.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ModelVersion is one version of a registered model.
type ModelVersion struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Source      string `json:"source"`
	RunID       string `json:"run_id"`
	Status      string `json:"status"`
	Description string `json:"description"`
	Tags        []Tag  `json:"tags"`
}

// Metric is a run's latest value of one metric.
type Metric struct {
	Key   string  `json:"key"`
	Value float64 `json:"value"`
}

// Error is a failed call: the server's status, or the transport's error.
type Error struct {
	Path   string
	Status int
	Err    error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("MLflow %s: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("MLflow %s answered %d %s", e.Path, e.Status, http.StatusText(e.Status))
}

func (e *Error) Unwrap() error { return e.Err }

// maxPages bounds a listing, so that a server that keeps answering a
// page token cannot keep the sync going for ever.
const maxPages = 10000

// RegisteredModels lists every registered model, page by page.
func (c *Client) RegisteredModels(ctx context.Context) ([]RegisteredModel, error) {
	var out []RegisteredModel
	err := c.pages(ctx, "registered-models/search", url.Values{}, func(body []byte) (string, error) {
		var page struct {
			RegisteredModels []RegisteredModel `json:"registered_models"`
			NextPageToken    string            `json:"next_page_token"`
		}
		err := json.Unmarshal(body, &page)
		out = append(out, page.RegisteredModels...)
		return page.NextPageToken, err
	})
	return out, err
}

// ModelVersions lists every version of the registered model name.
func (c *Client) ModelVersions(ctx context.Context, name string) ([]ModelVersion, error) {
	var out []ModelVersion
	q := url.Values{"filter": {"name='" + strings.ReplaceAll(name, "'", `\'`) + "'"}}
	err := c.pages(ctx, "model-versions/search", q, func(body []byte) (string, error) {
		var page struct {
			ModelVersions []ModelVersion `json:"model_versions"`
			NextPageToken string         `json:"next_page_token"`
		}
		err := json.Unmarshal(body, &page)
		out = append(out, page.ModelVersions...)
		return page.NextPageToken, err
	})
	return out, err
}

// RunMetrics returns the latest metrics of run id.
func (c *Client) RunMetrics(ctx context.Context, runID string) ([]Metric, error) {
	body, err := c.get(ctx, "runs/get", url.Values{"run_id": {runID}})
	if err != nil {
		return nil, err
	}
	var res struct {
		Run struct {
			Data struct {
				Metrics []Metric `json:"metrics"`
			} `json:"data"`
		} `json:"run"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		return nil, &Error{Path: "runs/get", Err: fmt.Errorf("unreadable answer: %w", err)}
	}
	return res.Run.Data.Metrics, nil
}

// pages calls path page after page; read decodes a page and returns the
// next page's token ("" at the end).
func (c *Client) pages(ctx context.Context, path string, q url.Values, read func([]byte) (string, error)) error {
	size := c.PageSize
	if size <= 0 {
		size = 100
	}
	q.Set("max_results", fmt.Sprint(size))
	seen := map[string]bool{}
	for range maxPages {
		body, err := c.get(ctx, path, q)
		if err != nil {
			return err
		}
		next, err := read(body)
		if err != nil {
			return &Error{Path: path, Err: fmt.Errorf("unreadable answer: %w", err)}
		}
		if next == "" {
			return nil
		}
		if seen[next] {
			return &Error{Path: path, Err: fmt.Errorf("the server repeated page token %q", next)}
		}
		seen[next] = true
		q.Set("page_token", next)
	}
	return &Error{Path: path, Err: fmt.Errorf("more than %d pages", maxPages)}
}

// maxAnswer is the largest answer read.
const maxAnswer = 32 << 20

func (c *Client) get(ctx context.Context, path string, q url.Values) ([]byte, error) {
	u := strings.TrimRight(c.BaseURL, "/") + "/api/2.0/mlflow/" + path + "?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	res, err := hc.Do(req)
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return nil, &Error{Path: path, Err: err}
	}
	if res.StatusCode != http.StatusOK {
		return nil, &Error{Path: path, Status: res.StatusCode}
	}
	return body, nil
}

package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/aimsproject/aims/internal/aims"
	"github.com/aimsproject/aims/internal/service"
)

// ingestChunk is how many NDJSON lines one call stores.
const ingestChunk = 5000

func (p *Program) decisionsCommand() *cobra.Command {
	c := &cobra.Command{Use: "decisions", Short: "Record decision events of AI systems"}
	var system string
	ingest := &cobra.Command{
		Use:   "ingest --system ID [FILE.ndjson]",
		Short: "Store decision events from an NDJSON file (or stdin), sealing each in the log",
		Long: "Read decision events, one JSON object per line (the body of POST /api/v1/systems/{id}/decisions),\n" +
			"from FILE or standard input, and store them for the AI system --system names, each sealed as a\n" +
			"leaf of the organization's tamper-evident log. Good lines are stored; each bad line is reported\n" +
			"with its number and reason (exit status 2). An event whose source and seq were stored before is\n" +
			"counted as a duplicate and stored once, so a file can be ingested again after an interruption.\n\n" +
			"  aims decisions ingest --system 0190… decisions-2026-01.ndjson\n" +
			"  gunzip -c events.ndjson.gz | aims decisions ingest --system 0190…",
		Args: cobra.MaximumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			in, size := io.Reader(p.Stdin), int64(-1)
			if len(args) == 1 {
				f, err := os.Open(args[0])
				if err != nil {
					return usageError{err}
				}
				defer f.Close()
				if st, err := f.Stat(); err == nil {
					size = st.Size()
				}
				in = f
			}
			return p.asOperator(c, func(ctx context.Context, e *env, org *aims.Organization) error {
				return p.ingestDecisions(ctx, e, system, in, size)
			})
		},
	}
	ingest.Flags().StringVar(&system, "system", "", "the AI system's id (required)")
	_ = ingest.MarkFlagRequired("system")
	dataFlags(ingest)
	c.AddCommand(ingest)
	return c
}

func (p *Program) ingestDecisions(ctx context.Context, e *env, system string, in io.Reader, size int64) error {
	bar := p.progress("sealing decisions")
	defer bar.finish()
	r := bufio.NewReaderSize(in, 1<<20)
	var chunk bytes.Buffer
	var stored, dups, rejected, done int
	first, line := 1, 0
	var read int64
	flush := func() error {
		if chunk.Len() == 0 {
			return nil
		}
		res, err := e.svc.RecordDecisionBatch(ctx, system, chunk.Bytes(), service.ViaCLI)
		if err != nil {
			return err
		}
		stored, dups, rejected = stored+res.Stored, dups+res.Duplicates, rejected+res.Rejected
		for _, le := range res.Errors {
			fmt.Fprintf(p.Stderr, "line %d: %s\n", first-1+le.Line, le.Detail)
		}
		chunk.Reset()
		first = line + 1
		if size > 0 {
			bar.update(uint64(read), uint64(size))
		} else {
			bar.update(uint64(done), 0)
		}
		return nil
	}
	for {
		l, err := r.ReadBytes('\n')
		if len(l) > 0 {
			line++
			done++
			read += int64(len(l))
			chunk.Write(l)
			if l[len(l)-1] != '\n' {
				chunk.WriteByte('\n')
			}
			if (line-first+1)%ingestChunk == 0 {
				if err := flush(); err != nil {
					return err
				}
			}
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
	}
	if err := flush(); err != nil {
		return err
	}
	fmt.Fprintf(p.Stdout, "%d stored, %d duplicates (stored before), %d bad lines\n", stored, dups, rejected)
	if rejected > 0 {
		return &aims.Error{Kind: aims.KindInvalid, Message: fmt.Sprintf("%d bad lines were not stored (listed above); the good ones were", rejected)}
	}
	return nil
}

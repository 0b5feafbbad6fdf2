package ledger

import (
	"container/list"
	"sync"
)

// Cache keeps recently read tiles, with their inner nodes, for every log of
// a process. Tiles are immutable once written (a partial tile is cached
// under its width), so entries never go stale; the least recently used go
// when the cache is full. A nil *Cache caches nothing.
type Cache struct {
	mu    sync.Mutex
	max   int
	order *list.List // front: most recently used
	items map[tileKey]*list.Element
}

type tileKey struct {
	log   string
	level int
	n     uint64
	w     int
}

type cacheItem struct {
	key  tileKey
	tile *tileNodes
}

// NewCache returns a cache of at most max tiles (a full tile with its inner
// nodes takes about 16 KiB).
func NewCache(max int) *Cache {
	return &Cache{max: max, order: list.New(), items: map[tileKey]*list.Element{}}
}

func (c *Cache) get(k tileKey) *tileNodes {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return e.Value.(*cacheItem).tile
	}
	return nil
}

func (c *Cache) put(k tileKey, t *tileNodes) {
	if c == nil || c.max <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[k]; ok {
		c.order.MoveToFront(e)
		return
	}
	c.items[k] = c.order.PushFront(&cacheItem{key: k, tile: t})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheItem).key)
	}
}

// Forget drops every tile of one log (after its storage was found to be
// inconsistent, so that the next read goes back to the database).
func (c *Cache) Forget(log string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.items {
		if k.log == log {
			c.order.Remove(e)
			delete(c.items, k)
		}
	}
}

# Thin aliases for the npm scripts; package.json is the source of truth.
.PHONY: install start dev build gen lint format typecheck test db-generate bench ci

install: ; npm install
start: ; npm start
dev: ; npm run dev
build: ; npm run build
gen: ; npm run gen
lint: ; npm run lint
format: ; npm run format
typecheck: ; npm run typecheck
test: ; npm test
db-generate: ; npm run db:generate
bench: ; npm run bench:startup && npm run bench:api && npm run bench:auth-timing
ci: ; bash .ci/run

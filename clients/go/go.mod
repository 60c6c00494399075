module github.com/fer-server/fer/clients/go

go 1.26.8

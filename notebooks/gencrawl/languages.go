package main

import "strings"

// language is what the generator needs to write pages in one language.
type language struct {
	Code3, Code2, Name string // ISO 639-3 and 639-1 codes, CLD2's name: "deu", "de", "GERMAN"
	// Words are the vocabulary, most frequent first: texts draw them with a Zipf law, so
	// that word counts of the crawl look like those of real text.
	Words []string
	// Joiner goes between words ("" for Japanese) and Stop ends a sentence.
	Joiner, Stop string
	// Nav labels the links of every page's navigation bar; Related heads a page's
	// list of links to other pages.
	Nav     []string
	Related string
	// Sections are the first component of the pages' URL paths.
	Sections []string
}

var (
	english = &language{
		Code3: "eng", Code2: "en", Name: "ENGLISH", Joiner: " ", Stop: ".",
		Words: strings.Fields(`the of and to a in is that for it on with as was are be this by at
			from or have an not we you they which his but all can more one their also has new about
			will if been time people our like first out up would other so world data city year over
			may after some most use work life how its make just them get way these only great
			system local years water house history market music garden travel school energy food`),
		Nav:      []string{"Home", "About", "Blog", "Products", "Contact"},
		Related:  "Related articles",
		Sections: []string{"blog", "news", "products", "docs", "guides"},
	}
	german = &language{
		Code3: "deu", Code2: "de", Name: "GERMAN", Joiner: " ", Stop: ".",
		Words: strings.Fields(`der die und in den von zu das mit sich des auf für ist im dem nicht
			ein eine als auch es an werden aus er hat dass sie nach wird bei einer um am sind noch
			wie einem über einen so zum war haben nur oder aber vor zur bis mehr durch man Stadt
			Jahr Zeit Menschen neue Welt Daten Leben Arbeit Haus Wasser gut heute immer viele drei
			Garten Reise Schule Energie Geschichte Markt Musik`),
		Nav:      []string{"Startseite", "Über uns", "Aktuelles", "Produkte", "Kontakt"},
		Related:  "Das könnte Sie auch interessieren",
		Sections: []string{"blog", "aktuelles", "produkte", "ratgeber", "magazin"},
	}
	french = &language{
		Code3: "fra", Code2: "fr", Name: "FRENCH", Joiner: " ", Stop: ".",
		Words: strings.Fields(`de la le et les des en un du une que est pour qui dans par plus pas
			au sur ne se sont il avec ce son cette ou comme mais nous aux été elle ses tout leur
			fait bien aussi ont être deux même sans ville monde temps vie années travail pays eau
			nouvelle données histoire jour grand premier maison marché musique jardin voyage école
			énergie cuisine`),
		Nav:      []string{"Accueil", "À propos", "Actualités", "Produits", "Contact"},
		Related:  "Articles similaires",
		Sections: []string{"blog", "actualites", "produits", "guides", "magazine"},
	}
	spanish = &language{
		Code3: "spa", Code2: "es", Name: "SPANISH", Joiner: " ", Stop: ".",
		Words: strings.Fields(`de la que el en y a los se del las un por con no una su para es al lo
			como más o pero sus le ha si sin sobre este ya entre cuando todo esta ser son dos
			también fue había era muy años hasta desde está ciudad mundo vida tiempo agua casa
			trabajo datos historia país nuevo gran primera mercado música jardín viaje escuela
			energía cocina`),
		Nav:      []string{"Inicio", "Quiénes somos", "Noticias", "Productos", "Contacto"},
		Related:  "Artículos relacionados",
		Sections: []string{"blog", "noticias", "productos", "guias", "revista"},
	}
	italian = &language{
		Code3: "ita", Code2: "it", Name: "ITALIAN", Joiner: " ", Stop: ".",
		Words: strings.Fields(`di e il la che in a per un è del non una le si con i sono da al come ma
			più anche lo della ha nel alla questo dei se delle gli tra suo essere tutti stato loro
			fare dopo prima ogni città mondo vita tempo anni lavoro casa acqua storia paese nuovo
			grande giorno dati mercato musica giardino viaggio scuola energia cucina`),
		Nav:      []string{"Home", "Chi siamo", "Notizie", "Prodotti", "Contatti"},
		Related:  "Articoli correlati",
		Sections: []string{"blog", "notizie", "prodotti", "guide", "rivista"},
	}
	portuguese = &language{
		Code3: "por", Code2: "pt", Name: "PORTUGUESE", Joiner: " ", Stop: ".",
		Words: strings.Fields(`de a o que e do da em um para é com não uma os no se na por mais as dos
			como mas foi ao ele das tem à seu sua ou ser quando muito há nos já está também só
			pelo pela até isso ela entre era depois sem mesmo cidade mundo vida tempo anos
			trabalho casa água história país novo grande dados mercado música jardim viagem
			escola energia cozinha`),
		Nav:      []string{"Início", "Sobre nós", "Notícias", "Produtos", "Contato"},
		Related:  "Artigos relacionados",
		Sections: []string{"blog", "noticias", "produtos", "guias", "revista"},
	}
	japanese = &language{
		Code3: "jpn", Code2: "ja", Name: "Japanese", Joiner: "", Stop: "。",
		Words: strings.Fields(`の に は を が と で も から まで 日本 東京 会社 情報 時間 世界 社会
			技術 データ 研究 地域 生活 文化 歴史 経済 教育 サービス 企業 市場 開発 商品 旅行
			料理 音楽 学校 季節 大阪 京都 写真 記事 予約 無料 新しい 人気 今日 方法 紹介`),
		Nav:      []string{"ホーム", "会社概要", "お知らせ", "製品情報", "お問い合わせ"},
		Related:  "関連記事",
		Sections: []string{"blog", "news", "products", "column", "info"},
	}
)

// navHref is the address the i-th link of the navigation bar points to.
func (l *language) navHref(i int) string {
	return []string{"/", "/about/", "/news/", "/products/", "/contact/"}[i]
}

// tld is a top-level domain, how many of the crawl's sites it holds (a weight) and the
// languages of its sites, the first one most often.
type tld struct {
	Name   string
	Weight int
	Langs  []*language
}

var tlds = []tld{
	{"com", 34, []*language{english, english, english, english, spanish, german, french, japanese}},
	{"org", 10, []*language{english, english, english, french, german}},
	{"net", 6, []*language{english, english, german, portuguese}},
	{"io", 5, []*language{english}},
	{"de", 12, []*language{german}},
	{"fr", 8, []*language{french}},
	{"jp", 8, []*language{japanese}},
	{"es", 6, []*language{spanish}},
	{"it", 5, []*language{italian}},
	{"br", 6, []*language{portuguese}},
}

package display

import "strings"

// tableScript makes a table live in the browser: it reads the rows that
// travel with the table (the JSON of tableData in the script element of
// class gsp-data beside it) and replaces the static rows with pages of
// them, with a search box (rows any of whose cells contains the text,
// ignoring case), buttons to the first, previous, next and last page, a
// choice of rows per page, a sort by any column by clicking its header
// (ascending, descending, then the original order; numbers by value,
// nulls last), and a Summary button that shows instead, for each column,
// the count, nulls and distinct values of the rows here, the minimum,
// maximum and mean of numbers and the most frequent texts (again for the
// rows), and, when the profile of the whole value follows the table's
// element (a details element of class gsp-profile-link, see profileLink;
// the data's "profile" says so), a Profile button that opens and closes it. It needs no network and no library. It finds its
// table as the parent of the running script, or, where the notebook
// evaluates scripts elsewhere (jQuery in the classic Notebook), every
// table of class gsp-table not made live yet; each is made live once
// (data-live). The markers that tests and users can rely on are the
// classes gsp-search, gsp-first, gsp-prev, gsp-next, gsp-last, gsp-size,
// gsp-summary, gsp-profile-button, gsp-info, gsp-sort and gsp-summary-table and the data-col
// attribute of the headers.
var tableScript = strings.Join(strings.Fields(`
(function(){
var me=document.currentScript,p=me&&me.parentNode;
var roots=p&&p.classList&&p.classList.contains("gsp-table")?[p]:document.querySelectorAll("div.gsp-table");
for(var k=0;k<roots.length;k++){try{live(roots[k]);}catch(e){if(window.console)console.error("gosparkling table:",e);}}
function esc(s){return String(s).replace(/[&<>"]/g,function(c){return{"&":"&amp;","<":"&lt;",">":"&gt;",'"':"&quot;"}[c];});}
function group(n){return String(n).replace(/\B(?=(\d{3})+(?!\d))/g,",");}
function num(x){var s=String(Number(x.toPrecision(6)));if(s.indexOf("e")>=0)return s;var p=s.split(".");if(p[0].replace("-","").length>=5)p[0]=group(p[0]);return p.join(".");}
function live(root){
if(root.hasAttribute("data-live"))return;
var src=root.querySelector("script.gsp-data");if(!src)return;
var d=JSON.parse(src.textContent),cols=d.cols,rows=d.rows;
var table=root.querySelector("table"),body=table.tBodies[0],heads=table.tHead.rows[0].cells;
root.setAttribute("data-live","1");
var more=root.querySelector(".more");if(more)more.style.display="none";
var size=d.page>0?d.page:20,page=0,sortCol=-1,dir=1,q="",view=null,keys=[],hay=null;
var bar=document.createElement("div");bar.className="gsp-bar";
bar.innerHTML='<input class="gsp-search" type="search" placeholder="Search" aria-label="Search the rows">'+
'<button class="gsp-first" title="First page">«</button><button class="gsp-prev" title="Previous page">‹</button>'+
'<span class="gsp-info"></span>'+
'<button class="gsp-next" title="Next page">›</button><button class="gsp-last" title="Last page">»</button>'+
'<select class="gsp-size" aria-label="Rows per page"></select>'+
'<button class="gsp-summary" title="A summary of each column of the rows here">Summary</button>';
table.parentNode.insertBefore(bar,table);
if(d.profile){var pb=document.createElement("button");pb.className="gsp-profile-button";pb.title="The profile of every row of the value";pb.textContent="Profile";bar.appendChild(pb);
pb.addEventListener("click",function(){var prof=root.nextElementSibling;if(!prof||prof.tagName!=="DETAILS")return;prof.open=!prof.open;if(prof.open&&prof.scrollIntoView)prof.scrollIntoView({block:"nearest"});});}
var sel=bar.querySelector(".gsp-size"),sizes=[10,20,50,100,500];
if(sizes.indexOf(size)<0){sizes.push(size);sizes.sort(function(a,b){return a-b;});}
for(var s=0;s<sizes.length;s++){var o=document.createElement("option");o.value=sizes[s];o.textContent=sizes[s]+" rows";if(sizes[s]===size)o.selected=true;sel.appendChild(o);}
function text(c){return c===null?"null":typeof c==="string"?c:c[0];}
function full(c){return c===null?null:typeof c==="string"?c:c[1];}
function key(j){
if(keys[j])return keys[j];
var out=new Array(rows.length);
for(var i=0;i<rows.length;i++){var f=full(rows[i][j]);
if(f===null)out[i]=null;else if(cols[j].num){var x=parseFloat(f);out[i]=isNaN(x)?f:x;}else out[i]=f;}
return keys[j]=out;}
function cmp(a,b){
if(a===b)return 0;if(a===null)return 1;if(b===null)return -1;
var na=typeof a==="number",nb=typeof b==="number";
if(na&&!nb)return -dir;if(nb&&!na)return dir;
return (a<b?-1:a>b?1:0)*dir;}
function compute(){
var idx=[];
if(q){if(!hay){hay=rows.map(function(r){return r.map(function(c){return c===null?"null":full(c);}).join("\u0001").toLowerCase();});}
for(var i=0;i<rows.length;i++)if(hay[i].indexOf(q)>=0)idx.push(i);}
else for(var i=0;i<rows.length;i++)idx.push(i);
if(sortCol>=0){var kk=key(sortCol);idx.sort(function(a,b){return cmp(kk[a],kk[b])||a-b;});}
view=idx;}
function render(){
var pages=Math.max(1,Math.ceil(view.length/size));page=Math.min(Math.max(page,0),pages-1);
var from=page*size,to=Math.min(view.length,from+size),h=[];
for(var n=from;n<to;n++){var i=view[n],r=rows[i];h.push("<tr><th>"+i+"</th>");
for(var j=0;j<cols.length;j++){var c=r[j],cl=[];if(cols[j].num)cl.push("num");if(c===null)cl.push("null");
h.push("<td"+(cl.length?' class="'+cl.join(" ")+'"':"")+(c!==null&&typeof c!=="string"?' title="'+esc(c[1])+'"':"")+">"+esc(text(c))+"</td>");}
h.push("</tr>");}
body.innerHTML=h.join("");
var info=view.length?"rows "+group(from+1)+"–"+group(to)+" of "+group(view.length):"no rows";
if(q)info+=" matching (of "+group(rows.length)+")";
if(d.total>rows.length)info+=" · the first "+group(rows.length)+" of "+group(d.total)+" rows are here";
bar.querySelector(".gsp-info").textContent=info;
bar.querySelector(".gsp-first").disabled=bar.querySelector(".gsp-prev").disabled=page===0;
bar.querySelector(".gsp-next").disabled=bar.querySelector(".gsp-last").disabled=page>=pages-1;
for(var j=0;j<cols.length;j++){var m=heads[j+1].querySelector(".gsp-sort");
m.textContent=j===sortCol?(dir>0?" ▲":" ▼"):"";
heads[j+1].setAttribute("aria-sort",j===sortCol?(dir>0?"ascending":"descending"):"none");}}
for(var j=0;j<cols.length;j++)(function(j){var th=heads[j+1],m=document.createElement("span");
m.className="gsp-sort";th.insertBefore(m,th.querySelector(".dtype"));th.setAttribute("data-col",j);
th.addEventListener("click",function(){if(sortCol!==j){sortCol=j;dir=1;}else if(dir>0)dir=-1;else sortCol=-1;page=0;compute();render();});})(j);
bar.querySelector(".gsp-search").addEventListener("input",function(e){q=e.target.value.toLowerCase();page=0;compute();render();});
bar.querySelector(".gsp-first").addEventListener("click",function(){page=0;render();});
bar.querySelector(".gsp-prev").addEventListener("click",function(){page--;render();});
bar.querySelector(".gsp-next").addEventListener("click",function(){page++;render();});
bar.querySelector(".gsp-last").addEventListener("click",function(){page=1e15;render();});
var sum=null;
bar.querySelector(".gsp-summary").addEventListener("click",function(){
if(sum){sum.parentNode.removeChild(sum);sum=null;table.style.display="";return;}
var h=["<caption style=\"text-align:left;opacity:.8\">Summary of the "+group(rows.length)+" rows here</caption><thead><tr><th>column</th><th class=num>count</th><th class=num>nulls</th><th class=num>distinct</th><th class=num>min</th><th class=num>max</th><th class=num>mean</th><th>top values</th></tr></thead><tbody>"];
for(var j=0;j<cols.length;j++){var kk=key(j),n=0,nulls=0,seen=new Map(),lo=null,hi=null,total=0,nums=0;
for(var i=0;i<rows.length;i++){var v=kk[i];if(v===null){nulls++;continue;}n++;seen.set(v,(seen.get(v)||0)+1);
if(typeof v==="number"){nums++;total+=v;if(lo===null||v<lo)lo=v;if(hi===null||v>hi)hi=v;}}
var top=Array.from(seen.entries()).sort(function(a,b){return b[1]-a[1]||(a[0]<b[0]?-1:a[0]>b[0]?1:0);}).slice(0,3).map(function(e){return JSON.stringify(String(e[0]))+" ("+group(e[1])+")";}).join(", ");
h.push("<tr><td><strong>"+esc(cols[j].name)+"</strong></td><td class=num>"+group(n)+"</td><td class=num>"+group(nulls)+"</td><td class=num>"+group(seen.size)+"</td><td class=num>"+(nums?num(lo):"")+"</td><td class=num>"+(nums?num(hi):"")+"</td><td class=num>"+(nums?num(total/nums):"")+"</td><td>"+(nums?"":esc(top))+"</td></tr>");}
sum=document.createElement("table");sum.className="gsp-summary-table";sum.innerHTML=h.join("")+"</tbody>";
table.style.display="none";table.parentNode.insertBefore(sum,table);});
sel.addEventListener("change",function(){var first=page*size;size=+sel.value;page=Math.floor(first/size);render();});
compute();render();}
})();`), " ")
